"""PySide6 desktop editor: main window, canvas, panels; the only layer that imports Qt."""
