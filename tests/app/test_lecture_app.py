"""Issue 5 through AppTest: presets, presenter mode, class names, share link and QR, quiz."""

from __future__ import annotations

import base64
import io
import math
from typing import Any

import numpy as np
import pytest
import segno
from PIL import Image
from streamlit.testing.v1 import AppTest

from components.controls.presets import PRESETS
from components.params import N_MAX
from components.render import display
from components.render.numbers import fmt
from components.render.share import QR_SCALE, share_link
from components.render.text import md, plotly_text, tex_text
from core import cross_entropy, grad_logits
from core.dynamics import descend
from tests.app import live
from tests.app.live import chart_spec, charts
from tests.app.test_app import loss_shown, metric, run_app

LN3 = math.log(3.0)


def choose_preset(at: AppTest, label: str) -> None:
    pills = at.get("button_group")[0]
    pills.set_value(label).run()
    assert at.get("button_group")[0].value is None  # a preset is an action: the pill clears


def logits(at: AppTest) -> list[float]:
    return [float(s.value) for s in at.slider if s.label.startswith("z")]


def link_shown(at: AppTest) -> str:
    return str(at.code[0].value)


@pytest.mark.parametrize("preset", PRESETS, ids=[p.label for p in PRESETS])
def test_each_preset_sets_every_control_and_the_url(preset: Any) -> None:
    at = run_app(n="4", z1="3", y="2", view="Explore")
    choose_preset(at, preset.label)
    assert not at.exception
    assert at.select_slider[0].value == preset.n
    assert at.radio[0].value == preset.y
    np.testing.assert_allclose(logits(at), preset.z[: preset.n])
    scale = 100.0 if preset.huge else 1.0
    assert loss_shown(at) == fmt(float(cross_entropy([scale * v for v in preset.z], preset.y - 1)))
    # The URL follows: a link made now reproduces the preset.
    again = run_app(**{k: at.query_params[k] for k in at.query_params})
    assert loss_shown(again) == loss_shown(at)
    assert link_shown(at).startswith("http://localhost:8501/")


def test_huge_logits_stay_exact() -> None:
    at = run_app()
    choose_preset(at, "Huge logits")
    assert at.toggle[1].value is True  # logits = sliders x 100
    assert at.query_params["huge"] == "true"
    want = float(cross_entropy([800.0, 790.0, -800.0], 1))
    assert want == pytest.approx(10.0 + math.log1p(math.exp(-10.0)), rel=1e-15)
    assert loss_shown(at) == fmt(want) == "10"
    assert list(at.table[0].value["logit z"]) == ["800", "790", "-800"]
    shown = " ".join(
        [m.value for m in at.markdown]
        + [v for shown in live.headline(at).values() for v in shown]
        + [el.value for el in at.latex]
    )
    assert "nan" not in shown.lower()
    assert "inf" not in shown.lower()


def test_one_step_with_huge_logits_moves_the_sliders_by_a_hundredth() -> None:
    at = run_app(view="Learning", huge="true", z1="-8", z2="8", z3="0", lr="5")
    next(b for b in at.button if b.label.startswith("Take one step")).click().run()
    want = (np.array([-800.0, 800.0, 0.0]) - 5.0 * grad_logits([-800.0, 800.0, 0.0], 0)) / 100.0
    np.testing.assert_allclose(logits(at), want, rtol=1e-15)


def test_presenter_mode_enlarges_charts_and_hides_reading_aids() -> None:
    reading = run_app()
    at = run_app(present="true")
    assert at.toggle[0].value is True
    assert len(reading.caption) > 0
    assert [c.value for c in at.caption if "link opens" not in c.value and "Scan" not in c.value] == []
    assert len(at.table) == 0
    assert len(reading.table) == 1
    spec = chart_spec(charts(at)[0])
    plain = chart_spec(charts(reading)[0])
    assert spec["layout"]["font"]["size"] == pytest.approx(
        plain["layout"]["font"]["size"] * display.PRESENTER_FONT_SCALE
    )
    assert spec["layout"]["height"] > plain["layout"]["height"]
    page_css = [m.value for m in at.sidebar.markdown if "<style>" in m.value]
    assert len(page_css) == 1
    assert "font-size: 3.4rem" in page_css[0]  # presenter mode's CSS, in the page's
    assert not any("font-size: 3.4rem" in m.value for m in reading.sidebar.markdown)


def test_for_projector_scales_every_font_it_finds() -> None:
    fig = {
        "data": [{"type": "bar", "x": [1], "y": [2], "textfont": {"size": 10}}],
        "layout": {"font": {"size": 16}, "xaxis": {"tickfont": {"size": 12}}, "height": 300,
                   "annotations": [{"text": "a", "font": {"size": 20}}]},
        "frames": [{"data": [{"type": "bar", "textfont": {"size": 10}}]}],
    }  # fmt: skip
    spec = display.for_projector(fig)
    scale = display.PRESENTER_FONT_SCALE
    assert spec["data"][0]["textfont"]["size"] == pytest.approx(10 * scale)
    assert spec["frames"][0]["data"][0]["textfont"]["size"] == pytest.approx(10 * scale)
    assert spec["layout"]["xaxis"]["tickfont"]["size"] == pytest.approx(12 * scale)
    assert spec["layout"]["annotations"][0]["font"]["size"] == pytest.approx(20 * scale)
    assert spec["layout"]["height"] == 375
    assert fig["layout"]["height"] == 300  # the original is left as it was


NASTY = ["<b>cat</b>", "**dog**", "$x_1$ \\{}%#&_^~", "<script>alert(1)</script>", '"quoted" :red[x]']


def test_class_names_reach_charts_tables_and_formulas_as_text() -> None:
    at = run_app(names="cat, dog, bird", view="Explore")
    spec = chart_spec(charts(at)[0])
    assert spec["layout"]["xaxis"]["ticktext"] == ["<b>cat</b><br>true", "dog", "bird"]
    assert list(at.table[0].value["class"]) == ["cat (true)", "dog", "bird"]
    assert metric(at, "p of the true class (cat)") == "0.2"
    assert metric(at, "Network predicts") == "dog"
    latex = " ".join(el.value for el in at.latex)
    assert r"p_{\text{cat}}" in latex


@pytest.mark.parametrize("name", NASTY)
def test_any_class_name_is_escaped_everywhere(name: str) -> None:
    names = f"{name.replace(',', ' ')},b,c"
    at = run_app(names=names)
    assert not at.exception
    shown = names.split(",")[0].strip()
    spec = chart_spec(charts(at)[0])
    used = shown if len(shown) <= 20 else shown[:19] + "…"
    tick = spec["layout"]["xaxis"]["ticktext"][0]
    assert tick == f"<b>{plotly_text(used)}</b><br>true"  # the only tags are the app's own
    assert "<script" not in tick
    assert next(iter(at.table[0].value["class"])) == md(used) + " (true)"
    latex = " ".join(el.value for el in at.latex)
    assert tex_text(used) in latex


def test_a_thousand_class_names_give_one_notice() -> None:
    at = run_app(names=",".join(f"class{k}" for k in range(1000)))
    notices = [w.value for w in at.warning]
    assert notices == [f"1000 class names were given; the first {N_MAX} are used, the rest ignored."]
    assert list(at.table[0].value["class"]) == ["class0 (true)", "class1", "class2"]


def test_the_share_link_holds_the_current_state_and_the_qr_code_encodes_it() -> None:
    at = run_app(view="Compare", lr="2", T="0.5", names="cat,dog")
    next(s for s in at.slider if s.label == "z1").set_value(2.5).run()
    assert not at.get("image")  # drawn only on request
    next(t for t in at.toggle if t.label == "QR code for phones").set_value(True).run()
    link = link_shown(at)
    # Widgets of this tab from their values, the Learning tab's rate from the URL, the names in use.
    assert link == "http://localhost:8501/?view=Compare&z1=2.5&lr=2&T=0.5&names=cat%2Cdog"
    again = run_app(view="Compare", z1="2.5", lr="2", T="0.5", names="cat,dog")
    assert link_shown(again) == link
    image = at.get("image")[0].proto.imgs[0]
    assert image.alt == "QR code of the link to this view"
    # The image sent is a PNG whose modules are exactly segno's symbol for the link shown
    # (QR_SCALE pixels a module, 4-module border).
    prefix = "data:image/png;base64,"
    assert image.url.startswith(prefix)
    png = Image.open(io.BytesIO(base64.b64decode(image.url[len(prefix) :]))).convert("L")
    symbol = segno.make(link, error="m", micro=False)
    matrix = np.array([list(row) for row in symbol.matrix], dtype=bool)
    modules = np.asarray(png)[4 * QR_SCALE :: QR_SCALE, 4 * QR_SCALE :: QR_SCALE][: matrix.shape[0], : matrix.shape[1]]
    np.testing.assert_array_equal(modules < 128, matrix)


def test_share_link_escapes_names_and_keeps_the_base() -> None:
    link = share_link("https://x.streamlit.app/?old=1", [("names", "a b,<c>"), ("n", "4")])
    assert link == "https://x.streamlit.app/?names=a%20b%2C%3Cc%3E&n=4"


def quiz_radio(at: AppTest, key: str) -> Any:
    return next(r for r in at.radio if r.key == key)


def reveal(at: AppTest, key: str) -> None:
    next(b for b in at.button if b.key == f"{key}_button").click().run()


def test_quiz_predict_then_reveal_with_live_numbers() -> None:
    at = run_app(view="Quiz", n="4", y="3", z1="2")
    assert not at.success
    assert not at.error
    quiz_radio(at, "quiz_gradient").set_value(2).run()  # class 3, the true class
    reveal(at, "quiz_gradient")
    assert at.success[0].value.startswith("Right")
    grad = grad_logits([2.0, LN3, 0.0, 0.0], 2)
    assert fmt(float(grad[2])) in " ".join(m.value for m in at.markdown)
    quiz_radio(at, "quiz_step").set_value(0).run()
    reveal(at, "quiz_step")
    run = descend([2.0, LN3, 0.0, 0.0], 2, 1.0, 1)
    answer = int(np.argmax(run.p[1] - run.p[0]))
    assert answer == 2
    assert at.error[0].value.startswith("Not quite")
    reveal(at, "quiz_uniform")
    assert "ln 4" in at.info[-1].value
    assert f"**{fmt(math.log(4.0))}**" in " ".join(m.value for m in at.markdown)
    next(b for b in at.button if b.label == "Start the quiz again").click().run()
    assert not at.success
    assert not at.error
    assert quiz_radio(at, "quiz_gradient").value is None


def test_each_explorer_chart_has_a_text_summary_with_the_numbers() -> None:
    at = run_app(names="cat,dog,bird")
    captions = [c.value for c in at.caption]
    assert any("cat (true) 0.2; dog 0.6; bird 0.2. Highest: dog." in c for c in captions)
    assert any("cat (true) up 0.8; dog down 0.6; bird down 0.2." in c for c in captions)
    assert any("current point at p = 0.2, E = 1.6094" in c for c in captions)


@pytest.mark.parametrize("view", ["Learning", "Compare", "Network"])
def test_each_views_numbered_sections_count_from_one(view: str) -> None:
    """A student who opens a tab reads its sections 1, 2, 3, … (Compare once began at 4, after Learning's)."""
    at = run_app(view=view)
    numbers = [int(s.value.split(".")[0]) for s in at.subheader if s.value[:1].isdigit()]
    assert numbers == list(range(1, len(numbers) + 1)), (view, [s.value for s in at.subheader])
    assert len(numbers) >= 3
