"""Answering: the extractive answerer (default), comparison, the optional LLM answerer, citations."""
