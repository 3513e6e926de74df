from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from matching import learning, services
from matching.fitting import (
    FEATURE_LABELS,
    FEATURES,
    TARGETS,
    FitReport,
    NotEnoughData,
    fit_weights,
)


class Command(BaseCommand):
    help = (
        "Fit the score's weights to how intros turned out (bounded, non-negative "
        "logistic regression on the stored score components), training on older "
        "rounds and testing on the latest. Prints the holdout AUC and calibration "
        "of the current weights beside the fitted ones for both outcomes; --save "
        "keeps the fitted set for --target as a candidate weight version, to be "
        "dry-run and adopted from the insights page."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--target",
            choices=sorted(TARGETS),
            default="accepted",
            help="The outcome whose fit --save keeps (default: accepted).",
        )
        parser.add_argument(
            "--holdout-rounds",
            type=int,
            default=settings.MATCHING_FIT_HOLDOUT_ROUNDS,
            help="Latest rounds held out to test on.",
        )
        parser.add_argument(
            "--min-samples",
            type=int,
            default=settings.MATCHING_FIT_MIN_SAMPLES,
            help="Decided intros needed in the training rounds.",
        )
        parser.add_argument(
            "--save",
            action="store_true",
            help="Keep the fitted weights for --target as a candidate version.",
        )

    def handle(self, *args, **options):
        if options["holdout_rounds"] < 1:
            raise CommandError("--holdout-rounds must be at least 1")
        current = services.matching_weights()
        reports: dict[str, FitReport] = {}
        for target in sorted(TARGETS, key=lambda t: t != options["target"]):
            samples = learning.outcome_samples(target)
            try:
                reports[target] = fit_weights(
                    samples.x,
                    samples.y,
                    samples.round_id,
                    current=current,
                    target=target,
                    holdout_rounds=options["holdout_rounds"],
                    min_samples=options["min_samples"],
                )
            except NotEnoughData as exc:
                message = f"Not enough data to fit “{TARGETS[target]}”: {exc}."
                if target == options["target"]:
                    raise CommandError(message) from exc
                self.stdout.write(message + "\n")
                continue
            self._print(reports[target])
        if options["save"]:
            version = learning.weight_version_save(report=reports[options["target"]])
            self.stdout.write(
                self.style.SUCCESS(
                    f"Saved as {version}: run its dry run and adopt it from the "
                    "insights page."
                )
            )

    def _print(self, report: FitReport) -> None:
        out = self.stdout.write
        out(f"== {TARGETS[report.target]} ==")
        out(
            f"training: {report.train} intros ({report.train_positive} "
            f"{TARGETS[report.target]}) in rounds "
            f"{_span(report.rounds_train)}; holdout: {report.holdout} intros "
            f"({report.holdout_positive}) in rounds {_span(report.rounds_holdout)}"
        )
        out(f"{'weight':<48}{'current':>10}{'fitted':>10}{'logit coef':>12}")
        for name, coef in zip(FEATURES, report.model.coef, strict=True):
            out(
                f"{FEATURE_LABELS[name]:<48}{report.current_weights[name]:>10.3f}"
                f"{report.weights[name]:>10.3f}{coef:>12.3f}"
            )
        out(f"{'intercept':<48}{'':>10}{'':>10}{report.model.intercept:>12.3f}")
        out(f"{'holdout':<48}{'current':>10}{'fitted':>10}")
        for label, cur, fit in (
            ("AUC", report.current.auc, report.fitted.auc),
            ("log-loss", report.current.log_loss, report.fitted.log_loss),
            (
                "calibration error (mean |predicted - observed|)",
                report.current.calibration_error,
                report.fitted.calibration_error,
            ),
        ):
            out(f"{label:<48}{cur:>10.3f}{fit:>10.3f}")
        out("calibration on the holdout, by fifth of the prediction:")
        out(
            f"  {'':<8}{'current: predicted':>20}{'observed':>10}"
            f"{'fitted: predicted':>20}{'observed':>10}"
        )
        for n, (c, f) in enumerate(
            zip(report.current.calibration, report.fitted.calibration, strict=True),
            start=1,
        ):
            out(
                f"  {n:<8}{c.predicted:>20.1%}{c.observed:>10.1%}"
                f"{f.predicted:>20.1%}{f.observed:>10.1%}"
            )
        out("")


def _span(rounds: list[int]) -> str:
    if len(rounds) == 1:
        return f"#{rounds[0]}"
    return f"#{rounds[0]}–#{rounds[-1]} ({len(rounds)})"
