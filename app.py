"""Attention Lab: `streamlit run app.py`. Navigation and sidebar only; each page is in pages/."""

import streamlit as st

from s2s.ui import models, widgets
from s2s.ui.strings import t

st.set_page_config(page_title="Attention Lab", page_icon="🔎", layout="wide")
infos = models.catalog()
widgets.sidebar(infos)
page = st.navigation([
    st.Page("pages/1_translate.py", title=t("page.translate"), icon="🌐", url_path="translate", default=True),
    st.Page("pages/2_attention.py", title=t("page.attention"), icon="🔥", url_path="attention"),
    st.Page("pages/3_beam.py", title=t("page.beam"), icon="🌳", url_path="beam"),
])
if not infos:
    st.title(t("app.title"))
    widgets.show_error(t("app.no_checkpoints", root=str(models.root())), warning=True)
    st.stop()
page.run()
