"""Command line: python -m s2s {prepare,train,evaluate,translate,explain,soak,report,card,bench,neighbours,
piece-languages,context-groups,lab} ..."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import device
from .errors import S2SError


def _prepare(args) -> int:
    from .data import prepare

    prepare(vocab_size=args.vocab_size)
    return 0


def _train(args) -> int:
    from .train import train

    train(Path(args.config), quiet=args.quiet, device=args.device)
    return 0


def _evaluate(args) -> int:
    from .checkpoint import load, read_card, write_card
    from .evaluate import baseline_record, evaluate
    from tqdm import tqdm

    ckpt = load(args.checkpoint, device=device.resolve(args.device))
    shipped = Path(args.baseline_for).resolve() if args.baseline_for else None
    if shipped is not None:  # refuse before the evaluation, not after it
        shipped_card = read_card(shipped)
        test = shipped_card.get("metrics", {}).get("test")
        if not test or args.limit is not None or args.no_write or shipped == ckpt.path:
            print(f"error: --baseline-for needs another checkpoint, a full evaluation of it (no --limit or --no-write)"
                  f" and {shipped} evaluated first", file=sys.stderr)
            return 2
        if (test["beam"], test["length_penalty"]) != (args.beam, args.length_penalty):
            print(f"error: {shipped} was evaluated with beam {test['beam']}, length penalty {test['length_penalty']}:"
                  " evaluate the baseline the same way", file=sys.stderr)
            return 2
    bar = tqdm(desc="translating", unit="sent", mininterval=1.0 if sys.stderr.isatty() else 30.0)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    metrics, outputs = evaluate(ckpt, beam=args.beam, length_penalty=args.length_penalty, limit=args.limit, progress=progress)
    bar.close()
    print(f"{ckpt.name} ({'beam ' + str(args.beam) if args.beam > 1 else 'greedy'}): "
          f"BLEU {metrics['bleu']:.2f}  chrF {metrics['chrf']:.2f}  (n={metrics['n']}, random part)")
    for bucket, m in metrics["by_length"].items():
        print(f"  {bucket:>6} words: BLEU {m['bleu']:6.2f}  chrF {m['chrf']:6.2f}  n={m['n']}")
    for k, m in metrics["concat"].items():
        print(f"  concat {k}:     BLEU {m['bleu']:6.2f}  chrF {m['chrf']:6.2f}  n={m['n']}")
    print(f"BLEU signature: {metrics['signature']['bleu']}")
    print(f"chrF signature: {metrics['signature']['chrf']}")
    if args.limit is None and not args.no_write:
        ckpt.card.setdefault("metrics", {})["test"] = metrics
        write_card(ckpt.path, ckpt.card)
        lines = ["source\tpart\thypothesis"] + ["\t".join(row) for row in outputs]
        (ckpt.path / "test_outputs.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote metrics.test into {ckpt.path / 'card.json'}")
    if shipped is not None:
        try:
            record = baseline_record(test, metrics, os.path.relpath(ckpt.path))
        except ValueError as exc:  # e.g. int8 against fp32 weights
            print(f"error: {shipped}: {exc}", file=sys.stderr)
            return 2
        shipped_card["metrics"]["baseline"] = record
        write_card(shipped, shipped_card)
        print(f"{shipped.name} against {ckpt.name}: BLEU {record['delta_bleu']:+.2f}, chrF {record['delta_chrf']:+.2f}"
              f" (written into {shipped / 'card.json'} as metrics.baseline)")
    return 0


def _translate(args) -> int:
    from .checkpoint import load
    from .translate import translate

    from .intervene import parse_indices

    try:
        block = parse_indices(args.block) if args.block else ()
        remove = parse_indices(args.remove) if args.remove else ()
    except S2SError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    ckpt = load(args.checkpoint, device=device.resolve(args.device))
    texts = args.text or [line.rstrip("\n") for line in sys.stdin if line.strip()]
    status = 0
    for text in texts:
        try:
            result = translate(ckpt, text, beam=args.beam, length_penalty=args.length_penalty, block=block,
                               remove=remove)
        except S2SError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 2
            continue
        if args.json:
            print(json.dumps(result.to_json(), ensure_ascii=False))
        else:
            print(result.best.text)
    return status


def _soak(args) -> int:
    from .checkpoint import load
    from .tools.soak import soak

    report = soak(load(args.checkpoint), args.n, seed=args.seed, beam=args.beam)
    print(report.line())
    for text, error in report.crashes[:20]:
        print(f"  crash on {text}: {error}")
    return 1 if report.crashed else 0


def _report(args) -> int:
    from .report import results_table

    print(results_table())
    return 0


def _card(args) -> int:
    from .card import write

    for path in args.checkpoint:
        print(f"wrote {write(Path(path))}")
    return 0


def _bench(args) -> int:
    from .tools.bench import main

    return main(args)


LANG_ALIASES = {"en": "eng", "eng": "eng", "es": "spa", "spa": "spa"}


def _neighbours(args) -> int:
    from .checkpoint import load
    from .embeddings import embedding, neighbours, pair_rank
    from .piece_languages import piece_languages

    if not args.word and not args.pair:
        print("error: give at least one WORD or --pair WORD=TRANSLATION", file=sys.stderr)
        return 2
    ckpt = load(args.checkpoint)
    emb = embedding(ckpt)
    langs = piece_languages(ckpt.tokenizer)
    lang = LANG_ALIASES[args.lang] if args.lang else None
    words = _print_each(args.word, lambda w: neighbours(emb, w, k=args.k, langs=langs, lang=lang), args.json,
                        lambda r: f"{r['word']} [{' '.join(r['pieces'])}]: "
                                  + ", ".join(f"{n['piece']} {n['cosine']:.3f}" for n in r["neighbours"]))
    pairs = _print_each(args.pair, lambda p: pair_rank(emb, *p.split("=", 1)),
                        args.json, lambda r: f"{r['word']} ~ {r['translation']}: cosine {r['cosine']:.3f}, rank "
                                             f"{r['rank']} of {r['of']} (back: {r['rank_back']})")
    return max(words, pairs)


def _word_pair(text: str) -> str:
    """--pair: WORD=TRANSLATION, both given; argparse reports anything else."""
    word, eq, translation = text.partition("=")
    if not (eq and word.strip() and translation.strip()):
        raise argparse.ArgumentTypeError(f"{text!r} is not WORD=TRANSLATION (e.g. dog=perro)")
    return text


def _print_each(items, compute, as_json: bool, text) -> int:
    """Print compute(item) of every item (JSON or text(result)); an item in error gets a line on
    stderr and the rest go on: exit status 2 if any failed, else 0."""
    status = 0
    for item in items:
        try:
            result = compute(item)
        except S2SError as exc:
            print(f"error: {item!r}: {exc}", file=sys.stderr)
            status = 2
            continue
        print(json.dumps(result, ensure_ascii=False) if as_json else text(result))
    return status


def _piece_languages(args) -> int:
    from collections import Counter

    from .piece_languages import TABLE, build

    langs = build(cache=Path(args.cache) if args.cache else None)
    print(f"wrote {TABLE} from the {langs.source}: {dict(Counter(langs.labels.tolist()))}")
    return 0


def _context_groups(args) -> int:
    from .checkpoint import load
    from .groups import PRESETS, group_stats
    from .vectors import context_vectors, sentence_set

    sets = {name: "\n".join(lines) for name, lines in PRESETS.items() if args.preset in ("all", name)}
    if args.file:
        sets = {Path(args.file).name: Path(args.file).read_text(encoding="utf-8")}
    for path in args.checkpoint:
        ckpt = load(path)
        for name, text in sets.items():
            sset = sentence_set(text)
            stats = group_stats(context_vectors(ckpt, sset.texts), sset.groups)
            row = {"checkpoint": ckpt.name, "set": name, "sizes": stats.sizes, "within": stats.within,
                   "between": stats.between, "gap": stats.gap, "agreement": stats.agreement,
                   "chance": stats.chance, "verdict": stats.verdict}
            if args.json:
                print(json.dumps(row, ensure_ascii=False))
            elif stats.verdict is None:
                print(f"{ckpt.name:22s} {name:11s} nothing to measure (groups {stats.sizes})")
            else:
                print(f"{ckpt.name:22s} {name:11s} within {stats.within:.3f}  between {stats.between:.3f}  "
                      f"gap {stats.gap:+.3f}  nn agreement {stats.agreement:.2f} (chance {stats.chance:.2f})  "
                      f"{stats.verdict}")
    return 0
def _lab(args) -> int:
    from .lab_cli import main

    return main(args)


def main(argv: list[str] | None = None) -> int:
    prog = "s2s" if Path(sys.argv[0]).name == "s2s" else "python -m s2s"  # the console script or -m
    parser = argparse.ArgumentParser(prog=prog, description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("prepare", help="fetch the corpus, split it, train the tokenizer")
    p.add_argument("--vocab-size", type=int, default=8000)
    p.set_defaults(run=_prepare)

    p = sub.add_parser("train", help="train a model from a TOML config (resumes if interrupted)")
    p.add_argument("config")
    p.add_argument("--quiet", action="store_true")
    device.add_argument(p, default=None, default_text="the config's `device`, itself auto by default")
    p.set_defaults(run=_train)

    p = sub.add_parser("evaluate", help="BLEU/chrF on the test split, written into the card")
    p.add_argument("checkpoint")
    p.add_argument("--beam", type=int, default=1)
    p.add_argument("--length-penalty", type=float, default=1.0)
    p.add_argument("--limit", type=int, default=None, help="only the first N sentences of each part (not written)")
    p.add_argument("--no-write", action="store_true", help="print only; leave the card as it is")
    p.add_argument("--baseline-for", metavar="CHECKPOINT_DIR",
                   help="this checkpoint is that one's baseline (e.g. without source reversal): also write the "
                        "differences into that card as metrics.baseline")
    device.add_argument(p)
    p.set_defaults(run=_evaluate)

    p = sub.add_parser("translate", help="translate text given as arguments or one sentence per line on stdin")
    p.add_argument("checkpoint")
    p.add_argument("text", nargs="*")
    p.add_argument("--beam", type=int, default=1)
    p.add_argument("--length-penalty", type=float, default=1.0)
    p.add_argument("--json", action="store_true", help="one JSON object per input")
    p.add_argument("--block", metavar="I[,J...]", help="block these source pieces (0-based) from attention")
    p.add_argument("--remove", metavar="I[,J...]", help="replace these source pieces (0-based) by <unk>")
    device.add_argument(p)
    p.set_defaults(run=_translate)

    from .explain_cli import add_parser as add_explain

    add_explain(sub)

    p = sub.add_parser("soak", help="fuzzed inputs through the translate path: tried/translated/refused/crashed")
    p.add_argument("checkpoint")
    p.add_argument("--n", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--beam", type=int, default=1)
    p.set_defaults(run=_soak)

    p = sub.add_parser("report", help="print the results table of every checkpoint's card (markdown)")
    p.set_defaults(run=_report)

    p = sub.add_parser("card", help="write CHECKPOINT/README.md (a Hugging Face style model card) from its card.json")
    p.add_argument("checkpoint", nargs="+")
    p.set_defaults(run=_card)

    p = sub.add_parser("bench", help="print training throughput, decoding latency, peak memory")
    p.add_argument("--seconds", type=float, default=20.0, help="training time measured per model")
    p.add_argument("--runs", type=int, default=50, help="decoding runs per latency figure")
    device.add_argument(p)
    p.set_defaults(run=_bench)

    p = sub.add_parser("neighbours", help="nearest pieces of words in a checkpoint's embedding (cosine similarity)")
    p.add_argument("checkpoint")
    p.add_argument("word", nargs="*")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--lang", choices=sorted(LANG_ALIASES), help="only pieces the training data uses in this language")
    p.add_argument("--pair", action="append", default=[], metavar="WORD=TRANSLATION", type=_word_pair,
                   help="also print cos(word, translation) and the translation's rank among the word's neighbours")
    p.add_argument("--json", action="store_true", help="one JSON object per word")
    p.set_defaults(run=_neighbours)

    p = sub.add_parser("piece-languages", help="count each piece's uses per language in the train split and "
                                               "write data/eng-spa/piece_languages.tsv")
    p.add_argument("--cache", help="corpus cache folder (default: $S2S_CACHE or ~/.cache/attention-lab)")
    p.set_defaults(run=_piece_languages)

    p = sub.add_parser("context-groups", help="within- vs between-group cosine of context vectors for grouped sets")
    p.add_argument("checkpoint", nargs="+")
    p.add_argument("--preset", choices=["all", "order", "voice", "paraphrase"], default="all")
    p.add_argument("--file", help="a sentence set: one sentence per line, a blank line between groups")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_context_groups)
    p = sub.add_parser("lab", help="train a small model on a toy task (copy, reverse, sort) and print its snapshots")
    from .lab_cli import add_arguments

    add_arguments(p)
    p.set_defaults(run=_lab)

    args, extra = parser.parse_known_args(argv)
    if extra and args.command in ("translate", "explain") and not any(x.startswith("-") for x in extra):
        args.text += extra  # text given after the options
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return args.run(args)
    except S2SError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
