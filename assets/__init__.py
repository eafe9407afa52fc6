"""The studio's example designs, icons and styles, shipped as package data (read them
through studio.assets.assets_dir(), never by path from sys.prefix)."""
