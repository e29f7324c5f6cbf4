"""deploy/: the image definition copies what exists and starts the real server; the Kubernetes
manifest runs replicas with health probes behind an Ingress with cookie affinity. (No image is
built here: there is no container engine on the test machines.)"""

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"


def test_the_image_copies_what_the_app_needs_and_runs_the_server():
    text = (DEPLOY / "Dockerfile").read_text()
    sources = [src for line in re.findall(r"^COPY (.+)$", text, re.M) for src in line.split()[:-1]]
    assert {"app.py", "pages/", "s2s/", "checkpoints/", "data/", ".streamlit/", "requirements.txt"} <= set(sources)
    assert all((REPO / src).exists() for src in sources), sources
    assert '"-m", "s2s.ui.serve"' in text and '"--server.address", "0.0.0.0"' in text
    assert "/_stcore/health" in text


def test_the_manifest_runs_replicas_with_probes_and_cookie_affinity():
    yaml = pytest.importorskip("yaml")
    docs = {d["kind"]: d for d in yaml.safe_load_all((DEPLOY / "kubernetes.yaml").read_text())}
    deployment, service, ingress = docs["Deployment"], docs["Service"], docs["Ingress"]
    assert deployment["spec"]["replicas"] >= 2
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["ports"][0]["containerPort"] == 8501
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["path"] == "/_stcore/health"
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"] == labels
    notes = ingress["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600  # websockets stay open
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == service["metadata"]["name"]
