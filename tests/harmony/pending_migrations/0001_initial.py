import importlib

Migration = importlib.import_module("library.migrations.0001_initial").Migration
