"""Shared language tools without I/O, used by several stages and by the readers: sentence
splitting, date patterns and date resolution, stop words, boilerplate phrases, article vectors
(TF-IDF and the shipped static embeddings), text normalisation and the one spaCy loader.

Nothing here imports a stage or an edge (tests/test_import_direction.py).
"""
