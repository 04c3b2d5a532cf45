"""The web dashboard: the Dash shell (header, language, routing) around the pages."""
