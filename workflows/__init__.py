"""State machines as data (pure Python: no Flask, no SQLAlchemy).

Each workflow (nomination, batch, initiative, registration) lives in ``workflows/definitions/`` as a states
enum and a list of transitions (``workflows/model.py``); ``workflows/engine.py`` is the one place a state
changes (``fire``); ``workflows/diagram.py`` renders the Mermaid diagrams and docs/workflows*.md.
"""
