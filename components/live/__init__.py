"""Live components: charts that follow a moving slider and update in place (see component.py)."""

from components.live.component import Headline, Sliders, live_chart, live_headline, live_logits, live_seq

__all__ = ["Headline", "Sliders", "live_chart", "live_headline", "live_logits", "live_seq"]
