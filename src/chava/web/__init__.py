"""The web edge: the Flask application and its blueprints (the only package importing Flask)."""
