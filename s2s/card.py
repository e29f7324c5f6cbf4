"""`python -m s2s card CHECKPOINT`: the checkpoint's README.md, a Hugging Face style model card.

Written from `card.json` alone (no weights read, no clock, no machine details beyond what the
card records), so regenerating it gives the same text: tests/test_card.py checks that every
shipped checkpoint's README.md is what this module writes from its card. Layout: YAML front
matter (language, licence, tags, metrics, model-index), then description, intended use and
limits, training data and licence, training procedure and hardware, evaluation (sacrebleu
signatures, the by-length table), and how to load it.
"""

from __future__ import annotations

from pathlib import Path

from .checkpoint import CHECKPOINTS_DIR, read_card
from .data import LENGTH_BUCKETS

README = "README.md"
ISO_639_1 = {"eng": "en", "spa": "es", "ukr": "uk"}
LANGUAGE_NAMES = {"eng": "English", "spa": "Spanish", "ukr": "Ukrainian"}
KINDS = {
    "none": ("vanilla encoder-decoder (Cho et al. 2014; Sutskever et al. 2014)",
             "The decoder sees the source only through one fixed context vector, the encoder's final state: "
             "it starts the decoder and is fed again at every step. It is the bottleneck that attention removes, "
             "shipped so that the two can be compared."),
    "bahdanau": ("attention model, Bahdanau et al. 2015 (additive score)",
                 "At every step the previous decoder state scores every encoder state with a learnt additive "
                 "score v^T tanh(W q + U h_j); the softmax of the scores weights the encoder states into the "
                 "step's context vector."),
    "dot": ("attention model, Luong et al. 2015 (dot score)",
            "The current decoder state scores every encoder state by their dot product (scaled); the softmax "
            "weights give the context, concatenated with the state into the attentional vector."),
    "general": ("attention model, Luong et al. 2015 (general score)",
                "The current decoder state scores every encoder state with a learnt bilinear form h_t^T W_a h_j; "
                "the softmax weights give the context, concatenated with the state into the attentional vector."),
    "concat": ("attention model, Luong et al. 2015 (concat score)",
               "The current decoder state scores every encoder state with v^T tanh(W [h_t; h_j]); the softmax "
               "weights give the context, concatenated with the state into the attentional vector."),
}


def training_runs(training: dict) -> list[dict]:
    """The runs behind a checkpoint, oldest first: the one a continued run started from
    (`initialised_from`, when the card records it), then the run that wrote the checkpoint."""
    return [r for r in (training.get("initialised_from") or {}, training) if r]


def _num(value, digits: int = 2, sign: str = "") -> str:
    """`value` to `digits` decimals ("+" as `sign` for differences); a dash when it is missing."""
    return "–" if value is None else f"{value:{sign}.{digits}f}"


def _location(card: dict, path: Path) -> str:
    """Where the checkpoint lives, as a command run from the repository root would name it."""
    try:  # shipped: where it is (a continued run was trained elsewhere, then copied in)
        return str(Path("checkpoints") / Path(path).resolve().relative_to(CHECKPOINTS_DIR.resolve()))
    except ValueError:
        return str(card.get("training", {}).get("settings", {}).get("output") or Path(path).name)


def _front_matter(card: dict, title: str) -> list[str]:
    src, tgt = card["pair"]["src"], card["pair"]["tgt"]
    test = card.get("metrics", {}).get("test") or {}
    lines = ["---", "language:", f"- {ISO_639_1.get(src, src)}", f"- {ISO_639_1.get(tgt, tgt)}",
             "license: other", "license_name: cc-by-2.0-fr",
             "license_link: https://creativecommons.org/licenses/by/2.0/fr/",
             "library_name: pytorch", "pipeline_tag: translation",
             "tags:", "- translation", "- seq2seq", "- rnn", f"- {card['model'].get('cell', 'gru')}",
             f"- {'vanilla' if card['model'].get('attention') == 'none' else 'attention'}",
             "datasets:", "- tatoeba", "metrics:", "- bleu", "- chrf"]
    if test:
        lines += ["model-index:", f"- name: {title}", "  results:", "  - task:", "      type: translation",
                  f"      name: Translation {LANGUAGE_NAMES.get(src, src)} to {LANGUAGE_NAMES.get(tgt, tgt)}",
                  "    dataset:", "      type: tatoeba", f"      name: Tatoeba {src}-{tgt} (test split, random part)",
                  "    metrics:"]
        for metric in ("bleu", "chrf"):
            if test.get(metric) is not None:
                lines += [f"    - type: {metric}", f"      value: {test[metric]}",
                          f"      name: {'BLEU' if metric == 'bleu' else 'chrF'}"]
    return lines + ["---", ""]


def _model_section(card: dict) -> list[str]:
    m = card["model"]
    kind, what = KINDS.get(str(m.get("attention")), (f"model with {m.get('attention')} attention", ""))
    directions = "bidirectional " if m.get("bidirectional") else ""
    cell = str(m.get("cell", "gru")).upper()
    article = "An" if kind[0] in "aeiou" else "A"
    lines = [f"{article} {kind}, {LANGUAGE_NAMES.get(card['pair']['src'], card['pair']['src'])} → "
             f"{LANGUAGE_NAMES.get(card['pair']['tgt'], card['pair']['tgt'])}, one of the checkpoints shipped with "
             "Attention Lab, an app for seeing and comparing RNN sequence-to-sequence translation.", ""]
    if what:
        lines += [what, ""]
    lines += [
        "| setting | value |", "|---|---|",
        f"| encoder | embedding {m.get('emb_dim')} → {directions}{cell}, {m.get('enc_layers')} layer(s) × {m.get('enc_hidden')} |",
        f"| decoder | {cell}, {m.get('dec_layers')} layer(s) × {m.get('dec_hidden')} |",
        f"| attention | {m.get('attention')}{' (input feeding)' if m.get('input_feeding') else ''}"
        f"{' (learnt softmax temperature)' if m.get('learned_scale') else ''} |",
        f"| source reversed (Sutskever) | {'yes' if m.get('reverse_source') else 'no'} |",
        f"| vocabulary | {m.get('vocab_size')} SentencePiece pieces shared by both languages |",
        f"| parameters | {card['weights'].get('parameters', 0):,} |",
        f"| weights | `{card['weights'].get('file')}` ({card['weights'].get('dtype')}), "
        f"SHA-256 `{card['weights'].get('sha256')}` |",
        f"| tokenizer | `{card['tokenizer'].get('file')}`, SHA-256 `{card['tokenizer'].get('sha256')}` |",
        "",
    ]
    return lines


def _training_section(card: dict) -> list[str]:
    training = card.get("training") or {}
    data = card.get("data") or {}
    s = training.get("settings") or {}
    lines = ["## Training data and licence", "",
             "Tatoeba English–Spanish sentence pairs (about 141k pairs; https://tatoeba.org), licensed "
             "CC-BY 2.0 France (https://creativecommons.org/licenses/by/2.0/fr/); every pair keeps its "
             "attribution column in the data files. The split is by distinct source sentence (all translations "
             "of one sentence fall in the same split), by a stable hash, so the test set never leaks into training.",
             ""]
    if data:
        lines += [f"- corpus SHA-256: `{data.get('corpus_sha256')}`", f"- split SHA-256: `{data.get('split_sha256')}`", ""]
    lines += ["## Training procedure and hardware", ""]
    if not training:
        return lines + ["The card records no training run.", ""]
    config = f"{card['pair']['src']}-{card['pair']['tgt']}/{s.get('name', card.get('name'))}.toml"
    first = training.get("initialised_from") or {}
    lines += ["Teacher forcing, label-smoothed cross-entropy, Adam with gradient clipping, bf16 autocast, "
              "length-bucketed batches; dev BLEU (greedy) during training and the best model kept. "
              + (f"Reproduce with `python -m s2s train configs/{config}`." if not first else
                 f"Trained in two runs: `python -m s2s train configs/{config}`, then `python -m s2s train "
                 f"configs/converge/{config}`, which continues from the first run's weights with a fresh "
                 "optimiser (the settings below are the second run's)."), "",
              "| setting | value |", "|---|---|"]
    for key in ("batch_size", "lr", "lr_decay", "min_lr", "decay_from_epoch", "patience", "epochs",
                "label_smoothing", "clip", "joined", "bf16", "seed", "max_pieces"):
        if key in s:
            lines.append(f"| {key} | {s[key]} |")
    both = lambda key, show: " + ".join(show(run.get(key)) for run in training_runs(training))  # noqa: E731
    minutes = lambda seconds: _num((seconds or 0) / 60, 0)  # noqa: E731
    lines += [f"| epochs run | {both('epochs', lambda v: _num(v, 1))} |",
              f"| updates | {both('steps', lambda v: '–' if v is None else f'{v:,}')} |",
              f"| target tokens | {training.get('target_tokens', '–'):,} |" if isinstance(training.get("target_tokens"), int)
              else "| target tokens | – |",
              f"| training time | {both('wall_time_s', minutes)} min "
              f"({_num(training.get('tokens_per_s'), 0)} target tokens/s) |",
              f"| device | {training.get('device', 'cpu')} |",
              f"| hardware | {training.get('hardware', '–')} |", ""]
    if first:
        start = (first.get("dev") or {}).get("bleu")
        lines += [f"The first run ended at dev BLEU {_num(start)} ({first.get('hardware', '–')}).", ""]
    lines += _curve(training.get("curve") or [])
    dev = (card.get("metrics") or {}).get("dev") or {}
    if dev:
        lines += [f"Best dev score during training: BLEU {_num(dev.get('bleu'))}, chrF {_num(dev.get('chrf'))} "
                  f"(greedy, {dev.get('n')} dev sentences).", ""]
    return lines


def _curve(curve: list[dict]) -> list[str]:
    """The dev evaluations of the (last) run: update, epoch, minutes, learning rate, loss, dev BLEU."""
    if not curve:
        return []
    lines = ["| update | epoch | minutes | lr | training loss | dev BLEU |", "|---|---|---|---|---|---|"]
    for p in curve:
        lines.append(f"| {p.get('step', 0):,} | {p.get('epoch', '–')} | {_num(p.get('minutes'), 0)} | {p.get('lr', '–'):g} "
                     f"| {_num(p.get('loss'))} | {_num((p.get('dev') or {}).get('bleu'))} |")
    return lines + [""]


def _evaluation_section(card: dict) -> list[str]:
    test = (card.get("metrics") or {}).get("test") or {}
    lines = ["## Evaluation", ""]
    if not test:
        return lines + ["Not evaluated yet: `python -m s2s evaluate CHECKPOINT --beam 5` writes the test metrics "
                        "into card.json, then `python -m s2s card CHECKPOINT` rewrites this file.", ""]
    search = "greedy search" if test.get("beam", 1) == 1 else f"beam search, beam {test['beam']}, length penalty {test.get('length_penalty', 1.0):g}"
    lines += [f"On the test split's random part ({test.get('n')} source sentences, all their references), "
              f"{search}, {test.get('weights', 'int8')} weights, device {test.get('device', 'cpu')}:", "",
              "| metric | score |", "|---|---|",
              f"| BLEU | {_num(test.get('bleu'))} |", f"| chrF | {_num(test.get('chrf'))} |", ""]
    signature = test.get("signature") or {}
    if signature:
        lines += ["sacrebleu signatures:", ""] + [f"- {name}: `{sig}`" for name, sig in signature.items()] + [""]
    by_length = test.get("by_length") or {}
    if by_length:
        lines += ["By source length (words; the random part and the long-sentence supplement together):", "",
                  "| source words | BLEU | chrF | sentences |", "|---|---|---|---|"]
        for bucket in [b for b in LENGTH_BUCKETS if b in by_length] + [b for b in by_length if b not in LENGTH_BUCKETS]:
            m = by_length[bucket]
            lines.append(f"| {bucket} | {_num(m.get('bleu'))} | {_num(m.get('chrf'))} | {m.get('n')} |")
        lines.append("")
    concat = test.get("concat") or {}
    if concat:
        lines += ["Concatenated inputs (k sentences of the random part joined into one input):", "",
                  "| k | BLEU | chrF | inputs |", "|---|---|---|---|"]
        lines += [f"| {k} | {_num(m.get('bleu'))} | {_num(m.get('chrf'))} | {m.get('n')} |" for k, m in concat.items()]
        lines.append("")
    base = (card.get("metrics") or {}).get("baseline")
    if base:
        delta = lambda v: _num(v, sign="+")  # noqa: E731
        lines += [f"Against its baseline `{base.get('checkpoint')}` (BLEU {_num(base.get('bleu'))}, chrF "
                  f"{_num(base.get('chrf'))}), decoded the same way, this model scores BLEU "
                  f"{delta(base.get('delta_bleu'))} and chrF {delta(base.get('delta_chrf'))}; "
                  "BLEU by input, this model minus the baseline:", "",
                  "| inputs | BLEU difference |", "|---|---|"]
        lines += [f"| {b} source words | {delta(d)} |" for b, d in (base.get("delta_bleu_by_length") or {}).items()]
        lines += [f"| {k} joined sentences | {delta(d)} |" for k, d in (base.get("delta_bleu_concat") or {}).items()]
        lines.append("")
    return lines


def render(card: dict, path: Path) -> str:
    """The README.md text for the checkpoint at `path` whose card is `card`."""
    pair = f"{card['pair']['src']}-{card['pair']['tgt']}"
    title = f"{pair}/{card.get('name', Path(path).name)}"
    where = _location(card, path)
    lines = _front_matter(card, title) + [f"# {title}", "", "<!-- written by `python -m s2s card` from card.json: "
                                          "edit the card, not this file -->", ""]
    lines += ["## Model description", ""] + _model_section(card)
    lines += ["## Intended use and limits", "",
              "For teaching and inspecting sequence-to-sequence translation: attention heatmaps, beam search, "
              "context vectors and the decoder's arithmetic in the Attention Lab app, and comparisons between "
              "the vanilla and attention models. It is a small model trained on short, everyday Tatoeba "
              "sentences: it is not a production translator, it knows little beyond that vocabulary and style, "
              "quality falls with sentence length (see the table below), and it may translate names, numbers "
              "and rare words wrongly or drop them. Do not use its output where a mistranslation can harm.", ""]
    lines += _training_section(card) + _evaluation_section(card)
    lines += ["## How to load it", "", "From a clone of Attention Lab (or after `pip install .`):", "", "```python",
              "from s2s.checkpoint import load", "from s2s.translate import translate", "",
              f'ckpt = load("{where}")  # rebuilds the model from card.json and the safetensors weights',
              'print(translate(ckpt, "I am hungry.", beam=5).best.text)', "```", "",
              "or on the command line:", "", "```bash",
              f'python -m s2s translate {where} --beam 5 "I am hungry."', "```", "",
              "Loading reads JSON and safetensors only (nothing is unpickled) and checks both files against the "
              "SHA-256 in the card.", ""]
    return "\n".join(lines)


def body(text: str) -> str:
    """A README's text from its first section on: no YAML front matter, title or comment (for the app)."""
    start = text.find("\n## ")
    return (text[start + 1:] if start >= 0 else text).strip() + "\n"


def write(path: Path | str) -> Path:
    """Write CHECKPOINT/README.md from CHECKPOINT/card.json; returns the file written."""
    path = Path(path)
    card = read_card(path)
    out = path / README
    out.write_text(render(card, path), encoding="utf-8")
    return out
