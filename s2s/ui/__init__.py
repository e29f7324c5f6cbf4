"""Streamlit helpers of the app: strings (English/Korean), cached models, shared widgets."""
