"""State machines as data (pure Python: no Flask, no SQLAlchemy).

Each workflow (nomination, batch, initiative, registration) will live in ``workflows/definitions/`` as a
states enum and a list of transitions; ``workflows/engine.py`` will be the one place a state changes.
"""
