"""Corpora: manifests, loading, and indexing of directories without a manifest."""
