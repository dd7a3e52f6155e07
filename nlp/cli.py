"""Command line: ``python -m nlp train | evaluate | classify``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from core.config import load_config
from core.corrections import Correction
from core.errors import LogwatchError
from nlp import corrections
from nlp.artifact import load_classifier
from nlp.corpus import DEFAULT_CORPUS, load_labelled
from nlp.errors import NlpError
from nlp.evaluate import format_report, metrics
from nlp.loso import estimate_on_real, format_misses, format_systems, format_views
from nlp.model import Classifier, TrainConfig
from nlp.training import DEFAULT_DATA, DEFAULT_LABELS, train

__all__ = ["main"]

logger = logging.getLogger(__name__)


def _cmd_train(args: argparse.Namespace) -> int:
    labels = None if args.any_labels else DEFAULT_LABELS
    started = time.perf_counter()
    config = load_config()
    data: list[Path] = list(args.data or DEFAULT_DATA)
    corrected: list[Correction] = []
    if args.out is None or args.out.resolve() == config.model_path.resolve():
        # The installation's own model learns from its people's corrections; an experiment's (--out) does not.
        data, corrected, note = corrections.gather(config, data)
        print(note)
    before = _previous_model(args.out) if corrected else None
    result = train(data, args.out, force=args.force, labels=labels)
    meta = result.metadata
    if result.skipped:
        print(f"model {result.path} is up to date (version {meta.get('version')}); use --force to retrain")
        return 0
    test = meta.get("test_metrics") or {}
    print(
        f"trained model {meta['version']} on {meta['n_train']} messages in {time.perf_counter() - started:.1f}s "
        f"-> {result.path}"
    )
    if test:
        print(format_report(test, title=f"held-out test split ({meta['n_test']} messages, unseen templates):"))
    if corrected:
        print("with people's corrections, before and after:")
        print(corrections.compare(before, load_classifier(result.path), corrected, data))
    return 0


def _previous_model(path: Path | None) -> Classifier | None:
    try:
        return load_classifier(path)
    except NlpError:  # none yet, or one this code cannot read: nothing to compare with
        return None


def _cmd_evaluate(args: argparse.Namespace) -> int:
    classifier = load_classifier(args.model)
    data = load_labelled(args.data or [DEFAULT_CORPUS])
    rows = data if args.data and not args.split else data.subset(args.split or "test")
    predicted, confidence = classifier.classify_batch(rows.messages)
    labels = list(classifier.labels) + sorted(set(rows.labels) - set(classifier.labels))
    result = metrics(rows.labels, predicted, labels, confidence)
    title = f"model {classifier.version} on {len(rows)} messages" + (
        "" if args.data else " of the synthetic test split"
    )
    real = None
    if not args.data and not args.synthetic_only:
        # The shipped configuration retrained with each real system left out: what unseen software gets.
        fields = set(TrainConfig.__dataclass_fields__)
        config = TrainConfig(**{k: v for k, v in (classifier.metadata.get("config") or {}).items() if k in fields})
        real = estimate_on_real(config, list(classifier.labels))
    if args.json:
        print(json.dumps({"synthetic": result, "leave_systems_out": real} if real else result, indent=2))
        return 0
    print(format_report(result, title=f"{title}:"))
    if real:
        pooled = real["pooled"]
        print()
        print(
            format_report(
                pooled,
                title=f"real software, leave-systems-out ({real['folds']} models, {pooled['n']} "
                f"{real['measured_on']} of held-out systems; macro-F1 over the labels present):",
            )
        )
        print()
        print(format_systems(real))
        if real["views"]:
            print()
            print(
                "the held-out Loghub messages in other forms, labelled by the same models (P/R per class); per line:"
                " each message weighs the lines its template has in the system's 2,000, as in a real stream:"
            )
            print(format_views(real))
        if args.errors:
            print()
            print(format_misses(real))
    return 0


def _cmd_classify(args: argparse.Namespace) -> int:
    classifier = load_classifier(args.model)
    messages = args.message if args.message else [line.rstrip("\n") for line in sys.stdin]
    labels, confidences = classifier.classify_batch(messages)
    for message, label, confidence in zip(messages, labels, confidences, strict=True):
        tokens = classifier.explain(message, top=args.top)
        if args.json:
            print(json.dumps({"message": message, "label": label, "confidence": confidence, "tokens": tokens}))
        else:
            why = ", ".join(f"{token} ({score:.2f})" for token, score in tokens) or "no known words"
            print(f"{label}\t{confidence:.2f}\t{why}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m nlp", description="Train, evaluate and run the log classifier.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    p_train = sub.add_parser("train", help="train the model (skipped when already up to date)")
    p_train.add_argument("--data", type=Path, action="append", help="CSV/JSONL of message,label (repeatable)")
    p_train.add_argument(
        "--out",
        type=Path,
        default=None,
        help="artifact path (default: the configured one, nlp.model_path, which also learns from the corrections "
        "people made: indices.corrections)",
    )
    p_train.add_argument("--force", action="store_true", help="retrain even if the artifact is up to date")
    p_train.add_argument("--any-labels", action="store_true", help="accept labels other than the four categories")
    p_train.set_defaults(func=_cmd_train)

    p_eval = sub.add_parser(
        "evaluate", help="per-class precision/recall/F1, macro-F1, calibration: synthetic split and real software"
    )
    p_eval.add_argument("--model", type=Path, default=None, help="artifact path (default: the trained model)")
    p_eval.add_argument("--data", type=Path, action="append", help="labelled CSV/JSONL (default: corpus test split)")
    p_eval.add_argument("--split", choices=["train", "test"], default=None, help="score only this split")
    p_eval.add_argument(
        "--synthetic-only", action="store_true", help="skip the leave-systems-out estimate on real software (1-2 min)"
    )
    p_eval.add_argument(
        "--errors", action="store_true", help="also list the real messages held out and labelled wrong, by template"
    )
    p_eval.add_argument("--json", action="store_true", help="print JSON")
    p_eval.set_defaults(func=_cmd_evaluate)

    p_cls = sub.add_parser("classify", help="label messages given as arguments (or one per stdin line)")
    p_cls.add_argument("message", nargs="*", help="message text")
    p_cls.add_argument("--model", type=Path, default=None, help="artifact path (default: the trained model)")
    p_cls.add_argument("--top", type=int, default=5, help="how many explaining tokens to show")
    p_cls.add_argument("--json", action="store_true", help="print one JSON object per message")
    p_cls.set_defaults(func=_cmd_classify)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; errors a person can fix are printed as one line and exit with status 2.

    :param argv: arguments without the program name; ``sys.argv[1:]`` when None.
    """
    args = _parser().parse_args(argv)
    if args.verbose:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
    try:
        code: int = args.func(args)
    except LogwatchError as exc:  # NlpError, or a ConfigError from reading where the model lives
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return code
