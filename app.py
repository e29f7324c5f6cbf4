"""Attention Lab: `streamlit run app.py`. Navigation and sidebar only; each page is in pages/."""

import streamlit as st
import torch

from s2s.ui import links, models, widgets
from s2s.ui.strings import t

# one intra-op thread per request: concurrent sessions spread over the cores instead of
# contending for them (a sentence is small; the latency benchmark also runs on one thread)
torch.set_num_threads(1)
# an emoji icon is drawn in the page; a :material/...: one is fetched from fonts.gstatic.com,
# which an offline lecture hall (and this project's machines) cannot reach
st.set_page_config(page_title="Attention Lab", page_icon="🔤", layout="wide")
infos = models.catalog()
# a shared link's language, pair and projector toggle, before anything is labelled (no widget here)
links.begin(models.pairs(infos))
# navigation first: widgets created before it get another identity on the first rerun after
# loading the page, which loses the first click (page titles still follow the language: the
# language widget's callback sets it before the script runs)
page = st.navigation([
    st.Page("pages/1_translate.py", title=t("page.translate"), icon=":material/translate:", url_path="translate",
            default=True),
    st.Page("pages/2_attention.py", title=t("page.attention"), icon=":material/grid_on:", url_path="attention"),
    st.Page("pages/3_beam.py", title=t("page.beam"), icon=":material/account_tree:", url_path="beam"),
    st.Page("pages/4_context.py", title=t("page.context"), icon=":material/scatter_plot:", url_path="context"),
    st.Page("pages/5_bottleneck.py", title=t("page.bottleneck"), icon=":material/show_chart:", url_path="bottleneck"),
    st.Page("pages/6_step_player.py", title=t("page.step"), icon=":material/step:", url_path="step_player"),
    st.Page("pages/7_training_lab.py", title=t("page.lab"), icon=":material/model_training:", url_path="training_lab"),
    st.Page("pages/8_embeddings.py", title=t("page.embeddings"), icon=":material/hub:", url_path="embeddings"),
    st.Page("pages/9_explain.py", title=t("page.explain"), icon=":material/biotech:", url_path="explain"),
])
widgets.sidebar(infos, page.url_path)
if not infos:
    st.title(t("app.title"))
    widgets.show_error(t("app.no_checkpoints", root=str(models.root())), warning=True)
    st.stop()
try:
    page.run()
finally:  # also when the page stops early (st.stop) or reruns: the address bar is always the view
    links.finish()
