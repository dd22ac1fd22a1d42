"""storyweave: from a pile of news reports to one verified briefing per event."""

__version__ = "0.1.0"
