"""Rule packs that ship with Adjuster Studio; the studio discovers them like any third-party pack."""
