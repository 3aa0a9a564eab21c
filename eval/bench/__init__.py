"""`policyqa bench`: how ingest, search, ask, cold start, index size and memory grow with the corpus.

``runner.run_bench`` drives worker processes (``build_worker``, ``serve_worker``, ``baseline_worker``,
``tuning_worker``), one per corpus and job, so sizes never share memory or warm caches.
"""
