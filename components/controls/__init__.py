"""Controls and the URL: widgets made from the parameter table, checked links, presets, session helpers."""

from components.controls.sidebar import render_controls, render_presenter_toggle
from components.controls.url import link_params, url_notices
from components.controls.widgets import widget

__all__ = ["link_params", "render_controls", "render_presenter_toggle", "url_notices", "widget"]
