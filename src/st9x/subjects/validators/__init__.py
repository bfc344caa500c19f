"""Validator adapters: one small module per validator, each only translating."""
