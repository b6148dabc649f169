"""Eligibility: rules that explain themselves (pure: no Flask, no database session).

``facts`` holds the plain objects the rules read, ``parameters`` the dated values they compare against;
``loader`` (the only module here that touches the database) gathers both for many nominees at once.
"""
