"""Understanding a question: intent, places, the corpus view, and how well the corpus supports it."""
