"""Where the package finds its data, its checkpoints and the app, in a clone or installed.

- In a clone (or an editable install) everything is where the repository keeps it: `data/`,
  `checkpoints/`, `app.py` and `pages/`, `.streamlit/config.toml`.
- Installed from a wheel (`pip install .`), the tokenizer and the dev/test splits, the app's
  scripts and the server settings travel inside the package as `s2s/_bundle/` (see
  pyproject.toml). The shipped checkpoints (about 100 MB) do not: `attention-lab --checkpoints
  DIR` or $S2S_CHECKPOINTS names them, and `./checkpoints` is the default.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
REPO = PACKAGE.parent
BUNDLE = PACKAGE / "_bundle"
IN_CLONE = (REPO / "pyproject.toml").is_file() and (REPO / "app.py").is_file() and (REPO / "data").is_dir()

DATA_ROOT = REPO / "data" if IN_CLONE else BUNDLE / "data"
CHECKPOINTS_DIR = REPO / "checkpoints" if IN_CLONE else Path.cwd() / "checkpoints"
APP_DIR = REPO if IN_CLONE else BUNDLE / "app"
APP = APP_DIR / "app.py"
STREAMLIT_CONFIG = APP_DIR / ".streamlit" / "config.toml"
ENV_CLASSROOM = "S2S_CLASSROOM_URL"  # the address students type, set by `attention-lab --classroom`
ENV_CHECKPOINTS = "S2S_CHECKPOINTS"  # the checkpoints folder the app serves (`attention-lab --checkpoints`)
