"""One search box across people, units, nominations, decisions and initiatives (accent-insensitive, scoped)."""
