import sys

from policyqa.ui.cli import main

sys.exit(main())
