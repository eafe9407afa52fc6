"""`python main.py [FILE]` opens Adjuster Studio."""

from studio.app_entry import main

if __name__ == "__main__":
    raise SystemExit(main())
