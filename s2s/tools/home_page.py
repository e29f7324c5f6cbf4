"""What a person does on the home page (pages/1_translate.py), over the protocol (st_protocol.Session):
type a sentence, pick models and decoding, click Translate; and whether a page shows the view its
URL holds. Widgets are found by their keys (w:translate.sentence ...), as the page names them.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from .st_protocol import PageError, Run, Session

NS = "translate"  # the home page's widget keys: w:translate.sentence, w:translate.models ...


class HomePage(Session):
    """A tab on the home page."""

    def translate(self, text: str, models: list[str], beam: int = 1, lp: float = 1.0) -> Run:
        """Type `text`, pick `models` (names such as "eng-spa/bahdanau"), set greedy (beam 1) or beam
        search and the length penalty, click Translate; the finished run. PageError when it shows an
        exception or an error box, or no translation for one of the models."""
        page = self.last or self.rerun()
        picked = self._widgets(page, text, models, beam, lp)
        if beam > 1 and page.widget(f"w:{NS}.beam") is None:
            page = self.rerun(picked)  # choosing beam search first shows the beam-size slider
            picked = self._widgets(page, text, models, beam, lp)
        run = self.rerun(picked, trigger=self._id(page, f"w:{NS}.run"))
        check(run, [m.split("/", 1)[-1] for m in models])
        return run

    def check_view(self, run: Run) -> dict[str, str]:
        """The view in the URL (this client's query string) is the one `run` shows: its sentence in
        the text box and a translation from each of its models; the translations. PageError otherwise."""
        query = parse_qs(self.query_string)
        text = query.get("text", [""])[0]
        box = run.widget(f"w:{NS}.sentence")
        if box is None:
            raise PageError(f"no widget w:{NS}.sentence on the page")
        # the box shows the value the server set (set_value), else the one this client sent, else its default
        own = self.states.get(box.id)
        shown = box.value if box.set_value else (own.string_value if own is not None else box.default)
        if text and shown != text:
            raise PageError(f"the sentence box shows {shown!r}, the URL holds {text!r}")
        models = [m for m in query.get("models", [""])[0].split(",") if m]
        return check(run, [m.split("/", 1)[-1] for m in models])

    def _id(self, page: Run, key: str) -> str:
        proto = page.widget(key)
        if proto is None:
            raise PageError(f"no widget {key} on the page")
        return proto.id

    def _widgets(self, page: Run, text: str, models: list[str], beam: int, lp: float) -> dict[str, WidgetState]:
        states = {}
        sid = self._id(page, f"w:{NS}.sentence")
        states[sid] = WidgetState(id=sid, string_value=text)
        picker = page.widget(f"w:{NS}.models")
        if picker is None:
            raise PageError(f"no widget w:{NS}.models on the page")
        labels = []  # the multiselect's values are its options' labels: "<short> · <kind>"
        for name in models:
            short = name.split("/", 1)[-1]
            label = next((o for o in picker.options if o.startswith(short + " · ")), None)
            if label is None:
                raise PageError(f"model {name} is not offered on the page")
            labels.append(label)
        states[picker.id] = WidgetState(id=picker.id)
        states[picker.id].string_array_value.data.extend(labels)
        mode = page.widget(f"w:{NS}.mode")
        if mode is None:
            raise PageError(f"no widget w:{NS}.mode on the page")
        states[mode.id] = WidgetState(id=mode.id, string_value=mode.options[0 if beam <= 1 else 1])
        slider = page.widget(f"w:{NS}.beam")
        if beam > 1 and slider is not None:
            states[slider.id] = WidgetState(id=slider.id)
            states[slider.id].double_array_value.data.append(float(beam))
        lp_id = self._id(page, f"w:{NS}.lp")
        states[lp_id] = WidgetState(id=lp_id)
        states[lp_id].double_array_value.data.append(float(lp))
        return states


def check(run: Run, shorts: list[str]) -> dict[str, str]:
    """The run's translations; PageError when it failed to show one for each of `shorts`."""
    failure = run.failure()
    if failure:
        raise PageError(failure)
    if run.status != ForwardMsg.FINISHED_SUCCESSFULLY:
        raise PageError(f"script run ended with status {run.status}")
    shown = run.translations()
    missing = [s for s in shorts if not shown.get(s, "").strip()]
    if missing:
        raise PageError(f"no translation shown for {', '.join(missing)}")
    return shown
