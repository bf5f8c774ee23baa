"""Personal calibration: how much THIS athlete sweats, learned from weigh-ins before and after.

Two pieces, both pure:

1. **Measured mass loss** from a weigh-in, the field gold standard (Baker 2017, Table 3; Sawka et
   al. 2007, ACSM position stand): ``loss_l = pre_kg − post_kg + drank_l − urine_l`` with
   1 kg ≈ 1 L. That balance counts sweat **plus** the water breathed out **plus** the mass of the
   fuel burned (Mitchell, Nadel & Stolwijk 1972; Cheuvront & Montain 2017; Baker 2017): about
   5–10 % of it in an hour's run, a quarter of it over a 40 h ultra. Implausible input is refused
   with a one-line :class:`~pipeline.core.errors.InvalidValue` that names the value
   (:func:`measured_sweat_loss_l`).

2. **The personal factor** ``f = measured / model`` for the athlete, where *model* is the model's
   prediction of the same quantity — its uncalibrated sweat plus its water breathed out plus its
   fuel mass (:func:`pipeline.store.weighins.model_estimate_l`): like with like, so breath and fuel
   are not read as extra sweat. The ratio of the two sums (rather than ``(measured − breath −
   fuel) / sweat``) keeps ``ln f`` finite and its noise the weigh-in's own when breath and fuel
   are a large share of a small loss (a cold, easy session), and spreads the model's own error in
   those two estimates over the whole. It is learned with a robust update on ``θ = ln f``
   (:func:`calibrate`):

   * *Prior* ``θ ~ N(0, σ_p²)``: without weigh-ins the athlete is assumed average (f = 1) with the
     published spread between athletes, coefficient of variation ≈ 30–40 % (Baker et al. 2016;
     Barnes et al. 2019; Baker 2017; SCIENCE.md §3). We take CV = 0.35 (the physiology room's
     :data:`pipeline.physiology.sweat.INTER_INDIVIDUAL_CV`), ``σ_p = sqrt(ln(1 + CV²)) ≈ 0.34``.
   * *Each weigh-in* gives ``y_i = ln(measured_i / model_i) ~ N(θ, σ_i²)`` with
     ``σ_i² = σ_day² + (σ_abs / measured_i)²``:
     - ``σ_day`` — the same athlete's sweat rate changes from one session to the next in similar
       conditions: mean day-to-day differences of 0.14–0.16 L·h⁻¹ over 24 weeks of weekly
       sessions (Smith, Bello & Price 2021, Nutrients 13:1807), i.e. ≈ 15 % of a typical
       ~1 L·h⁻¹ → CV_day = 0.15;
     - ``σ_abs`` — the method's absolute error: two readings of a home scale (0.1 kg resolution,
       Baker 2017 recommends duplicate weighings), unrecorded sips, spit or poured water, sweat
       trapped in clothing, respiratory and metabolic mass loss (Baker 2017 Table 3;
       Cheuvront & Kenefick 2017, CORP review, J Appl Physiol 123:632–636). We take 0.15 kg; it
       is why short, cool sessions (small losses, where body-mass estimates erred by 14–41 %,
       Cheuvront et al. 2002, Med Sci Sports Exerc 34:1344–1350) count for less than long warm ones.
   * *Posterior* (standard normal–normal conjugacy, e.g. Gelman et al., Bayesian Data Analysis,
     3rd ed., §2.5): precision ``1/τ² = 1/σ_p² + Σ 1/σ_i²``, mean ``μ = τ² Σ y_i/σ_i²``.
     With few weigh-ins the factor shrinks toward 1; with several that agree it converges.
   * *Outliers*: the normal likelihood above lets one odd weigh-in (a forgotten bottle,
     a mistyped weight) drag the factor anywhere, and two that disagree (measured ÷ model 1.88 and
     0.54) used to inflate the noise until the range went below zero. Each weigh-in's likelihood is
     therefore a Student-t with ν = 4 degrees of freedom on ``y_i`` (same scale ``σ_i``): Lange,
     Little & Taylor (1989), JASA 84:881–896, who recommend ν = 4 as a default that keeps nearly
     full efficiency for normal data while a point many σ away gets weight ``(ν + 1)/(ν + r²)``
     → 0. The posterior of θ (normal prior × t likelihoods) has no closed form; it is computed
     exactly enough on a grid of 1 201 points over ``θ ∈ [−3, 3]`` (factor 0.05–20), and its mean
     and SD are what :class:`Posterior` reports. Everything stays on the log scale, so a factor
     and every range built from it are positive by construction.
   * *Only ever better*: the predictive spread for a new session, ``sqrt(τ² + σ_day²)``, is never
     reported wider than the model's own without weigh-ins (:func:`uncalibrated_log_sd`): weigh-ins
     that disagree leave the athlete where the population prior put them, they do not make the
     answer worse than having none.
   Per sport where there is data: weigh-ins of the session's sport (FIT sport name) are used when
   there is at least one; otherwise all the athlete's weigh-ins are pooled (sweating is a trait
   of the person first; the sport changes the conditions, which the model already handles).

**Weigh-ins with unknown drinking** (two smart-scale readings around an activity, paired
automatically from weight-scale FIT files): ``pre − post − urine`` is then only a *lower bound*
of sweat loss, since whatever was drunk is unknown and ≥ 0. Our decision: such a point moves the
estimate only upward — it enters the update (as an ordinary observation at the bound) only when
the bound is above what the calibration predicts without it, i.e. when it shows the athlete
sweated at least more than we thought. It never pulls the estimate down. A manual
``sweatline weigh-in --drank`` for the same activity replaces it with a full measurement.

References
----------
.. [1] Baker LB (2017). Sweating rate and sweat sodium concentration in athletes: a review of
       methodology and intra/interindividual variability. Sports Med 47(Suppl 1):111–128,
       Table 3. doi:10.1007/s40279-017-0691-5
.. [2] Sawka MN, Burke LM, Eichner ER, et al. (2007). ACSM position stand: Exercise and fluid
       replacement. Med Sci Sports Exerc 39(2):377–390.
.. [3] Baker LB, Barnes KA, Anderson ML, et al. (2016). Normative data for regional sweat sodium
       concentration and whole-body sweating rate in athletes. J Sports Sci 34(4):358–368.
.. [4] Barnes KA, Anderson ML, Stofan JR, et al. (2019). Normative data for sweating rate, sweat
       sodium concentration, and sweat sodium loss in athletes. J Sports Sci 37(20):2356–2366.
.. [5] Smith JW, Bello ML, Price FG (2021). A case-series observation of sweat rate variability in
       endurance-trained athletes. Nutrients 13(6):1807. doi:10.3390/nu13061807
.. [6] Cheuvront SN, Kenefick RW (2017). CORP: Improving the status quo for measuring whole body
       sweat losses. J Appl Physiol 123(3):632–636. doi:10.1152/japplphysiol.00433.2017
.. [7] Cheuvront SN, Haymes EM, Sawka MN (2002). Comparison of sweat loss estimates for women
       during prolonged high-intensity running. Med Sci Sports Exerc 34(8):1344–1350.
.. [8] Gelman A, Carlin JB, Stern HS, et al. (2013). Bayesian Data Analysis, 3rd ed., §2.5
       (normal model with known variance).
.. [9] Lange KL, Little RJA, Taylor JMG (1989). Robust statistical modeling using the t
       distribution. J Am Stat Assoc 84(408):881–896 (ν = 4 as a robust default).
.. [10] Baker LB, Barnes KA, Anderson ML, Passe DH, Stofan JR (2016). Normative data for regional
       sweat sodium concentration and whole-body sweating rate in athletes. J Sports Sci
       34(4):358–368, abstract: whole-body sweating rate 1.21 ± 0.68 (range 0.26–5.73) L·h⁻¹ in
       506 athletes at 15–50 °C.
.. [11] Barnes KA, Anderson ML, Stofan JR, et al. (2019). Normative data for sweating rate, sweat
       sodium concentration, and sweat sodium loss in athletes. J Sports Sci 37(20):2356–2366
       (endurance athletes 1.28 ± 0.57 L·h⁻¹; SCIENCE.md §8).
.. [12] Cheuvront SN, Montain SJ (2017). Myths and methodologies: making sense of exercise mass
       and water balance. Exp Physiol 102(9):1047–1053. doi:10.1113/EP086284
.. [13] Mitchell JW, Nadel ER, Stolwijk JAJ (1972). Respiratory weight losses during exercise.
       J Appl Physiol 32(4):474–476. doi:10.1152/jappl.1972.32.4.474

**Plausibility of one weigh-in** (:class:`WeighIn`): a weigh-in is refused with one
line when

* the session is shorter than :data:`MIN_SESSION_S` (30 min): two weighings carry about
  0.1–0.15 kg of error (0.1 kg scale resolution read twice, clothing, sips; Baker 2017 Table 3;
  Cheuvront & Kenefick 2017 on scale error against the size of ΔBM). At the endurance athletes'
  typical 1.28 L·h⁻¹ (Barnes 2019) half an hour loses ~0.6 L, four times that error; a
  2-minute or 13-second file loses less than the scale can see, and dividing the error by a
  few seconds once gave "276.92 L/h". Smith, Bello & Price (2021) weighed sessions of ≥ 30 min.
* the measured rate (sweat ÷ session time) is above :data:`MAX_RATE_L_PER_H` or below
  :data:`MIN_RATE_L_PER_H`: the highest whole-body rate among 506 athletes was 5.73 L·h⁻¹ and the
  lowest 0.26 L·h⁻¹ (Baker et al. 2016); we allow 6.0 and, for cold and easy sessions outside
  their 15–50 °C, 0.1 L·h⁻¹. The measured loss also holds the water breathed out and the
  fuel burned, about 0.05 L·h⁻¹ on an easy walk to 0.3 L·h⁻¹ at race effort in cold dry air
  (Mitchell et al. 1972's equations at V̇O₂ 0.9–4.5 L·min⁻¹): the 6.0 ceiling stays above the
  highest sweat rate plus that, and the 0.1 floor still lets a cold, easy session through.
* (kept, but left out of the calibration) measured ÷ model outside :data:`MIN_RATIO`–:data:`MAX_RATIO`,
  the extremes of 506 athletes against their mean (Baker et al. 2016): :func:`ratio_refusal`.
* the *body mass* lost, ``pre − post``, is above :data:`MAX_LOSS_FRACTION` of body mass. Drinks
  are not mass lost: an Ironman with ``--pre 72 --post 68.5 --drank 6`` lost 3.5 kg (4.9 %) and
  sweated 9.5 L; urine passed is already inside ``pre − post``.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from pipeline.core.errors import InvalidValue
from pipeline.core.inputs import BODY_MASS_KG, checked
from pipeline.core.notes import ModelNote, mass_kg, rate_l_per_h, volume_l
from pipeline.fit.readings import ScaleReading  # re-exported: defined with what ingest returns

INTER_INDIVIDUAL_CV = 0.35
"""Coefficient of variation of sweat rate between athletes under the same conditions (Baker 2017:
~30–40 %). One of the terms of the uncalibrated range (:func:`pipeline.physiology.sweat.range_log_sd`)."""
MIN_CALIBRATED_CV = 0.14
"""Even a calibrated estimate keeps at least this spread (day-to-day variation): (1 + 0.14)/(1 − 0.14) = 1.33,
so high ≥ 1.3 × low holds for every estimate."""


@dataclass(frozen=True)
class Calibration:
    """The athlete's own correction, from weigh-ins (:func:`calibrate` makes it; defined here, not in
    :mod:`pipeline.physiology.sweat` which applies it, so a stored answer is checked without numpy).

    ``factor`` multiplies the model's sweat (measured / predicted); ``cv`` is the remaining relative
    spread of that ratio; ``n`` how many weigh-ins it rests on.
    """

    factor: float
    cv: float = MIN_CALIBRATED_CV
    n: int = 1
    sport: str | None = None
    """The sport whose own weigh-ins alone made it; None when pooled over all (or not known)."""
    sports: tuple[str, ...] = ()
    """The FIT sports of the weigh-ins it rests on, in the order first seen (empty: not known)."""

    def source(self, for_sport: str | None = None) -> str:
        """Which weigh-ins this factor rests on, in words (:func:`weigh_ins_source`)."""
        return weigh_ins_source(self.n, self.sports, self.sport, for_sport)

    @property
    def log_sd(self) -> float:
        """The log-scale SD of a log-normal ratio with this CV, ``sqrt(ln(1 + cv²))``, at least
        :data:`MIN_CALIBRATED_CV`: every range built from a calibration is ``total·e^∓σ`` (a
        CV of 103 % taken as ``total·(1 ∓ cv)`` once gave "-1.3–8.2 L")."""
        return max(math.sqrt(math.log1p(self.cv * self.cv)), MIN_CALIBRATED_CV)


PRIOR_CV = INTER_INDIVIDUAL_CV
"""Between-athlete CV of sweat rate at the same conditions, ≈ 30–40 % (Baker 2017; SCIENCE §3)."""
DAY_TO_DAY_CV = 0.15
"""Within-athlete session-to-session CV, ≈ 0.15 L·h⁻¹ of ~1 L·h⁻¹ (Smith, Bello & Price 2021)."""
METHOD_ERROR_KG = 0.15
"""Absolute error of a field weigh-in (home scale, clothing, unrecorded fluid; Baker 2017 Table 3)."""
MAX_LOSS_FRACTION = 0.10
"""A body-mass loss (pre − post) above 10 % of body mass is refused as implausible: ACSM (Sawka et
al. 2007) treats > 2 % as impairing and 6–10 % as dangerous; beyond 10 % it is a typo."""
MAX_FLUID_L = 15.0
"""More than this drunk or passed in one session is refused as a unit mistake (mL for L)."""
MAX_PRE_DEVIATION = 0.30
"""A weigh-in's body mass before more than this fraction away from the configured body mass is
refused as a unit mistake: a mass typed in pounds but read in kilograms (or the reverse) is off by
a factor 1 / 0.453 592 37 = 2.2046 (NIST SP 811 B.8): +120 % or −55 %, while a person's body mass
moves by a few per cent from day to day and within some 10–20 % over the months a config may be
left unchanged; 30 % lies between the two."""


def far_from_configured(pre_kg: float, configured_kg: float | None) -> bool:
    """True when ``pre_kg`` [kg] is more than :data:`MAX_PRE_DEVIATION` away from ``configured_kg``
    [kg] (the config's ``athlete.body_mass_kg``; None: nothing to compare, False)."""
    if configured_kg is None or configured_kg <= 0:
        return False
    return abs(pre_kg - configured_kg) > MAX_PRE_DEVIATION * configured_kg


MIN_SESSION_S = 30 * 60.0
"""Shortest session worth weighing [s]: ~0.6 L lost at 1.28 L·h⁻¹ (Barnes 2019), 4× the ~0.15 kg
error of two weighings (Baker 2017 Table 3; Cheuvront & Kenefick 2017). See the module docstring."""
MAX_RATE_L_PER_H = 6.0
"""Highest measured sweat rate accepted [L·h⁻¹]: above Baker et al. (2016)'s highest of 506
athletes, 5.73 L·h⁻¹ (abstract); the famous 3.7 L·h⁻¹ (Salazar, 1984) and 4.3 L·h⁻¹ reports sit below."""
MIN_RATE_L_PER_H = 0.1
"""Lowest measured sweat rate accepted [L·h⁻¹]: Baker et al. (2016)'s lowest, 0.26 L·h⁻¹ at
15–50 °C, with room for cold, easy sessions below their range."""
POPULATION_MEAN_L_PER_H = 1.21
"""Mean whole-body sweat rate of 506 athletes in training or competition at 15–50 °C [L·h⁻¹]
(Baker et al. 2016, abstract: 1.21 ± 0.68, range 0.26–5.73)."""
MAX_RATIO = 5.73 / POPULATION_MEAN_L_PER_H
"""Highest measured ÷ model one weigh-in may carry into the calibration, 4.74: the most any of
Baker et al. (2016)'s 506 athletes sweated relative to the cohort's mean (5.73 ÷ 1.21 L·h⁻¹). The
between-athlete spread around a population prediction (CV 30–40 %, Baker 2017; σ = 0.34 on the log
scale) puts 4.74 at 4.6 σ; that cohort's spread also holds its different sports and 15–50 °C, so
the bound is generous for one athlete against a model that already accounts for the conditions.
A weigh-in beyond it is far likelier a mistake of the weigh-in (a scale read wrong, drinks
miscounted, clothes soaked) than a body, and the Student-t update still lets a lone point move the
factor by a factor of two: it is kept, shown, and left out of the calibration."""
MIN_RATIO = 0.26 / POPULATION_MEAN_L_PER_H
"""Lowest measured ÷ model one weigh-in may carry, 0.21: the least any of Baker et al. (2016)'s
506 athletes sweated relative to the cohort's mean (0.26 ÷ 1.21 L·h⁻¹); as :data:`MAX_RATIO`."""


def ratio_refusal(measured_l: float, model_l: float, lower_bound: bool = False) -> str | None:
    """Why a weigh-in's ``measured_l ÷ model_l`` (both [L], the same sum: sweat + breath + fuel) is
    left out of the calibration, in one line, or None when it is within :data:`MIN_RATIO`–:data:`MAX_RATIO`.

    A ``lower_bound`` (drinking unknown) is only refused above: below, it says nothing.
    Non-positive litres are not a ratio: None (the update skips them anyway)."""
    if measured_l <= 0 or model_l <= 0:
        return None
    ratio = measured_l / model_l
    if ratio > MAX_RATIO:
        return (f"measured ÷ model {ratio:.2f} is above {MAX_RATIO:.2f}, more than any of 506 athletes sweated "
                "against their mean (Baker et al. 2016): a scale misread or drinks miscounted? Kept, but not used "
                "for your factor; check it and record it again with --replace")
    if ratio < MIN_RATIO and not lower_bound:
        return (f"measured ÷ model {ratio:.2f} is below {MIN_RATIO:.2f}, less than any of 506 athletes sweated "
                "against their mean (Baker et al. 2016): a scale misread or drinks miscounted? Kept, but not used "
                "for your factor; check it and record it again with --replace")
    return None


STUDENT_T_DF = 4.0
"""Degrees of freedom of each weigh-in's Student-t likelihood (Lange, Little & Taylor 1989: ν = 4)."""
_GRID = [(-3.0 + 6.0 * i / 1200) for i in range(1201)]
"""θ = ln(factor) from −3 to 3 (factor 0.05–20) in steps of 0.005: the posterior's support."""


def _log_sd(cv: float) -> float:
    """SD of ln X for a log-normal X with coefficient of variation ``cv``: sqrt(ln(1 + cv²))."""
    return math.sqrt(math.log1p(cv * cv))


PRIOR_LOG_SD = _log_sd(PRIOR_CV)
DAY_TO_DAY_LOG_SD = _log_sd(DAY_TO_DAY_CV)


def _refuse(kind: str, field: str, note: ModelNote) -> NoReturn:
    """Refuse a weigh-in: a pydantic error of ``kind`` on ``field`` whose reason is ``note``, kept
    with its quantities (:func:`pipeline.core.inputs.describe`) to be written in the reader's units."""
    raise PydanticCustomError(kind, str(note), {"field": field, "note": note})


def _hours(seconds: float) -> str:
    minutes = seconds / 60.0
    return f"{seconds:.0f} s" if seconds < 120 else f"{minutes:.0f} min" if minutes < 120 else f"{minutes / 60:.1f} h"


class WeighIn(BaseModel):
    """Body mass before and after a session, and the fluid in and out between: the boundary model.

    ``pre_kg``/``post_kg`` [kg] within the config's body-mass range; ``drank_l``/``urine_l`` [L],
    0–:data:`MAX_FLUID_L` (None = not recorded, counted as 0: the loss is then a lower bound);
    ``duration_s`` [s] the session the weigh-in spans (None: unknown, not checked).
    Refused: a body mass after that is more than before plus what was drunk (a net gain), a loss
    ≤ 0 once urine is counted, a body-mass loss (pre − post) over :data:`MAX_LOSS_FRACTION` of body
    mass, a session shorter than :data:`MIN_SESSION_S` (field ``duration_s``) and a measured rate
    outside :data:`MIN_RATE_L_PER_H`–:data:`MAX_RATE_L_PER_H` (field ``post_kg``).
    """

    model_config = ConfigDict(frozen=True)

    pre_kg: float = Field(**BODY_MASS_KG)
    drank_l: float | None = 0.0
    urine_l: float | None = 0.0
    post_kg: float = Field(**BODY_MASS_KG)
    duration_s: float | None = None

    @field_validator("drank_l", "urine_l")
    @classmethod
    def _volume(cls, value: float | None) -> float | None:
        if value is None:
            return None
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"must be 0 or more litres, got {value:g}")
        if value > MAX_FLUID_L:
            raise ValueError(ModelNote("{volume:g} in one session is not plausible (litres, not millilitres)",
                                       volume=volume_l(value)))
        return value

    @model_validator(mode="after")
    def _plausible_loss(self) -> "WeighIn":
        drank, urine = self.drank_l or 0.0, self.urine_l or 0.0
        pre, post = self.pre_kg, self.post_kg
        if post > pre + drank:
            _refuse("net_gain", "post_kg", ModelNote(
                "{post:g} after is more than {pre:g} before plus {drank:g} drunk: check the weights (and record what "
                "you drank)", post=mass_kg(post), pre=mass_kg(pre), drank=volume_l(drank)))
        loss = self.measured_l
        if loss <= 0:
            _refuse("no_loss", "urine_l", ModelNote(
                "{urine:g} of urine leaves no sweat loss ({pre:g} − {post:g} + {drank:g} − {urine:g} = {loss:.2f}): "
                "check the numbers", urine=volume_l(urine), pre=mass_kg(pre), post=mass_kg(post),
                drank=volume_l(drank), loss=volume_l(loss)))
        mass_lost = pre - post  # drinks are not mass lost; urine passed is already inside pre − post
        lost_pct = round(100.0 * mass_lost / pre, 1)  # the share as the refusal prints it, compared as printed
        if lost_pct > 100.0 * MAX_LOSS_FRACTION:  # strictly over: exactly 10 % is not refused
            _refuse("too_much", "post_kg", ModelNote(
                "{pre:g} − {post:g} = {lost:.2f} of body mass lost is {pct:.1f} % of {pre:g}, over the {share:.0f} % "
                "plausible for one session: check the weights", pre=mass_kg(pre), post=mass_kg(post),
                lost=mass_kg(mass_lost), pct=lost_pct, share=100 * MAX_LOSS_FRACTION))
        duration = self.duration_s
        if duration is not None:
            if duration < MIN_SESSION_S:
                _refuse("too_short", "duration_s", ModelNote(
                    "this {hours} session is too short to weigh: two weighings err by ~{error:g}, more than it "
                    "sweats; weigh sessions of {minutes:.0f} min or more", hours=_hours(duration),
                    error=mass_kg(METHOD_ERROR_KG), minutes=MIN_SESSION_S / 60))
            rate = loss / (duration / 3600.0)
            if not MIN_RATE_L_PER_H <= rate <= MAX_RATE_L_PER_H:
                _refuse("implausible_rate", "post_kg", ModelNote(
                    "{loss:.2f} in {hours} is {rate:.2f}, outside what people sweat ({range:g}; Baker et al. 2016: "
                    "{published:g}): check the weights, --drank and the activity", loss=volume_l(loss),
                    hours=_hours(duration), rate=rate_l_per_h(rate), range=rate_l_per_h(MIN_RATE_L_PER_H, MAX_RATE_L_PER_H),
                    published=rate_l_per_h(0.26, 5.73)))
        return self

    @property
    def measured_l(self) -> float:
        """Mass lost [L ≈ kg]: ``pre − post + drank − urine`` (1 kg ≈ 1 L; Baker 2017 Table 3; Sawka et al. 2007):
        sweat plus water breathed out plus fuel burned (Cheuvront & Montain 2017)."""
        return self.pre_kg - self.post_kg + (self.drank_l or 0.0) - (self.urine_l or 0.0)


def measured_sweat_loss_l(pre_kg: float, post_kg: float, drank_l: float | None = 0.0,
                          urine_l: float | None = 0.0, duration_s: float | None = None) -> float:
    """Sweat lost between two weighings [L] (:attr:`WeighIn.measured_l`).

    Raises :class:`~pipeline.core.errors.InvalidValue` naming the field (``pre_kg``, ``post_kg``,
    ``drank_l``, ``urine_l``, ``duration_s``) for an implausible weigh-in (see :class:`WeighIn`).
    """
    return checked(WeighIn, pre_kg=pre_kg, post_kg=post_kg, drank_l=drank_l, urine_l=urine_l,
                   duration_s=duration_s).measured_l


@dataclass(frozen=True)
class CalibrationPoint:
    """One weigh-in next to the model's estimate for the same activity (both whole-session litres)."""

    sport: str
    measured_l: float
    model_l: float
    lower_bound: bool = False  # drinking not recorded: measured_l is only a lower bound

    def log_ratio(self) -> float:
        return math.log(self.measured_l / self.model_l)

    def noise_var(self) -> float:
        """Variance of ln(measured/model) for this point: day-to-day plus the method's absolute error."""
        return DAY_TO_DAY_LOG_SD**2 + (METHOD_ERROR_KG / self.measured_l) ** 2


@dataclass(frozen=True)
class Posterior:
    """The update's result on θ = ln(factor), and what it rests on."""

    log_mean: float
    log_sd: float
    n: int              # weigh-ins used in the update
    predictive_log_sd: float  # spread of a NEW session's ratio: sqrt(τ² + σ_day²), at most the uncalibrated one
    sport: str | None   # the sport whose weigh-ins were used; None when pooled
    weights: tuple[float, ...] = ()  # each used point's Student-t weight (ν+1)/(ν+r²/σ²) at the mean: < 1 down-weighted
    sports: tuple[str, ...] = ()  # the sports of the weigh-ins used, in the order first seen

    def source(self, for_sport: str | None = None) -> str:
        """Which weigh-ins this factor rests on, in words (:func:`weigh_ins_source`)."""
        return weigh_ins_source(self.n, self.sports, self.sport, for_sport)

    @property
    def factor(self) -> float:
        return math.exp(self.log_mean)

    def to_calibration(self) -> Calibration:
        """The physiology room's hook: factor, relative spread (log-normal CV) and n."""
        return Calibration(factor=self.factor, cv=math.sqrt(math.expm1(self.predictive_log_sd**2)), n=self.n,
                           sport=self.sport, sports=self.sports)


def weigh_ins_source(n: int, sports: Sequence[str], own_sport: str | None, for_sport: str | None = None) -> str:
    """The one phrase that says which weigh-ins a factor rests on (every text that names a
    calibration's origin uses it, so none can call a borrowed factor the sport's own).

    ``n`` weigh-ins used; ``sports`` their FIT sports; ``own_sport`` the sport whose weigh-ins
    alone were used (:func:`posterior` does that when the sport has any), None when pooled;
    ``for_sport`` the sport the factor is applied to (None: any sport). Returns e.g. "your 2
    running weigh-ins", "your 1 weigh-in in other sports (cycling)" (a sport with none of its own
    borrows the pooled factor), or "all your 3 weigh-ins (cycling, running)" ("your 1 weigh-in
    (cycling)" for one).
    """
    count = f"{n} weigh-in{'s' if n != 1 else ''}"
    named = ", ".join(dict.fromkeys(x.replace("_", " ") for x in sports))
    if own_sport is not None:
        return f"your {n} {own_sport.replace('_', ' ')} weigh-in{'s' if n != 1 else ''}"
    if for_sport is not None and for_sport not in sports:
        return f"your {count} in other sports" + (f" ({named})" if named else "")
    return f"{'all ' if n > 1 else ''}your {count}" + (f" ({named})" if named else "")


def factor_source(post: Posterior | Calibration, for_sport: str | None = None) -> str:
    """Which weigh-ins a factor for ``for_sport`` rests on and, when they are other sports', that it
    is applied to the model's estimate for this one: "your 2 running weigh-ins", "your 1 weigh-in in
    other sports (cycling), applied to the model's estimate for walking", "all your 3 weigh-ins
    (cycling, running)" (``for_sport`` None: any sport without its own)."""
    source = weigh_ins_source(post.n, post.sports, post.sport, for_sport)
    if for_sport is not None and post.sport != for_sport:
        source += f", applied to the model's estimate for {for_sport.replace('_', ' ')}"
    return source


def rate_origin(calibration: Calibration | None, for_sport: str | None) -> str:
    """How a calibrated sweat rate was come by, to follow "your sweat rate": "as measured by your 2
    running weigh-ins" when the sport's own weigh-ins made the factor; "as the model estimates it for
    walking, scaled by your factor from your 1 weigh-in in other sports (cycling)" when it is
    borrowed (:func:`posterior` pools all weigh-ins for a sport with none); "as your weigh-ins
    measure it" when the origin is not known (``calibration`` None or without its sports: a
    multisport file's legs combined)."""
    if calibration is None or not calibration.sports:
        return "as your weigh-ins measure it"
    source = calibration.source(for_sport)
    if calibration.sport is not None and calibration.sport == for_sport:
        return f"as measured by {source}"
    sport = for_sport.replace("_", " ") if for_sport else "this sport"
    return f"as the model estimates it for {sport}, scaled by your factor from {source}"


def _student_t_posterior(points: Sequence[CalibrationPoint]) -> tuple[float, float, tuple[float, ...]]:
    """Mean and variance of θ = ln f under the N(0, σ_p²) prior and one Student-t(ν = 4) likelihood
    per point (Lange, Little & Taylor 1989), on :data:`_GRID`; and each point's t weight at the mean."""
    nu = STUDENT_T_DF
    data = [(p.log_ratio(), p.noise_var()) for p in points]
    log_post = []
    for theta in _GRID:
        value = -0.5 * theta * theta / PRIOR_LOG_SD**2
        for y, var in data:
            value -= 0.5 * (nu + 1.0) * math.log1p((y - theta) ** 2 / (nu * var))
        log_post.append(value)
    top = max(log_post)
    dens = [math.exp(v - top) for v in log_post]
    total = sum(dens)
    mean = sum(t * d for t, d in zip(_GRID, dens)) / total
    var = sum((t - mean) ** 2 * d for t, d in zip(_GRID, dens)) / total
    weights = tuple((nu + 1.0) / (nu + (y - mean) ** 2 / v) for y, v in data)
    return mean, var, weights


def posterior(points: Sequence[CalibrationPoint], sport: str | None = None) -> Posterior:
    """The robust update on ln(factor) from ``points`` (see the module docstring).

    ``sport``: use that sport's points when it has any; otherwise pool all points. Points with
    ``lower_bound`` enter only when they lie above the current prediction (they can only raise it).
    A point whose ratio is outside :data:`MIN_RATIO`–:data:`MAX_RATIO` (:func:`ratio_refusal`) is
    left out, as if it were not there.
    """
    usable = [p for p in points if p.measured_l > 0 and p.model_l > 0
              and ratio_refusal(p.measured_l, p.model_l, p.lower_bound) is None]
    chosen_sport: str | None = None
    if sport is not None and any(p.sport == sport for p in usable):
        usable = [p for p in usable if p.sport == sport]
        chosen_sport = sport
    used = [p for p in usable if not p.lower_bound]
    bounds = sorted((p for p in usable if p.lower_bound), key=lambda p: p.log_ratio())
    mu, tau2, weights = _student_t_posterior(used) if used else (0.0, PRIOR_LOG_SD**2, ())
    for bound in bounds:  # one-sided: only a bound above the current prediction carries news
        if bound.log_ratio() > mu:
            used.append(bound)
            mu, tau2, weights = _student_t_posterior(used)
    predictive = min(math.sqrt(tau2 + DAY_TO_DAY_LOG_SD**2), uncalibrated_log_sd())
    return Posterior(log_mean=mu, log_sd=math.sqrt(tau2), n=len(used), predictive_log_sd=predictive,
                     sport=chosen_sport, weights=weights, sports=tuple(dict.fromkeys(p.sport for p in used)))


def calibrate(points: Sequence[CalibrationPoint], sport: str | None = None) -> Calibration | None:
    """The :class:`Calibration` for a session of ``sport``, or None when there is no weigh-in at all."""
    post = posterior(points, sport)
    if post.n == 0:
        return None
    return post.to_calibration()


def uncalibrated_log_sd() -> float:
    """Log-scale spread of the model alone for a new athlete (prior and day-to-day together)."""
    return math.sqrt(PRIOR_LOG_SD**2 + DAY_TO_DAY_LOG_SD**2)


def uncalibrated_cv() -> float:
    """The relative spread of the model alone for a new athlete (prior and day-to-day together)."""
    return math.sqrt(math.expm1(uncalibrated_log_sd() ** 2))


# ---------------------------------------------------------------------------------------------
# Weigh-ins from a smart scale: pairing weight_scale readings with activities
# ---------------------------------------------------------------------------------------------

PAIRING_WINDOW_S = 2 * 3600.0
"""A scale reading counts as "before" when it is at most 2 h before the start, "after" when at
most 2 h after the end. Longer gaps mix in meals, drinks and toilet visits that nobody recorded."""


@dataclass(frozen=True)
class ActivityWindow:
    """When an activity ran (UTC): what a scale reading is paired against."""

    activity_id: str
    sport: str
    start_time: datetime
    end_time: datetime


@dataclass(frozen=True)
class ScalePairing:
    """A scale reading before and one after an activity: a weigh-in whose drinking is unknown.

    ``measured_l`` = pre − post is a LOWER BOUND of the sweat lost (whatever was drunk is unknown
    and ≥ 0); :func:`posterior` uses it one-sidedly.
    """

    activity_id: str
    sport: str
    pre: ScaleReading
    post: ScaleReading
    measured_l: float


@dataclass(frozen=True)
class UnpairedActivity:
    """An activity with readings around it that do not make a plausible weigh-in, and why."""

    activity_id: str
    reason: str


REFERENCE_MASS_TOLERANCE = 0.15
"""With several scale users around an activity, a user whose reading is more than 15 % away from
the athlete's known body mass is not the athlete."""


def pair_scale_readings(readings: Sequence[ScaleReading], activities: Sequence[ActivityWindow],
                        window_s: float = PAIRING_WINDOW_S, reference_mass_kg: float | None = None,
                        ) -> tuple[list[ScalePairing], list[UnpairedActivity]]:
    """Pair, for each activity, the last reading within ``window_s`` before its start with the
    first reading within ``window_s`` after its end, of the same scale user (pure).

    An activity with only one side, or none, is left out silently (no weigh-in was made). One with
    both sides whose numbers are implausible as a weigh-in (a gain, a loss over 10 % of body mass;
    see :func:`measured_sweat_loss_l`) comes back in the second list with the reason. When several
    scale users (FIT ``user_profile_index``) weighed themselves around the activity, the one whose
    "before" reading is closest to ``reference_mass_kg`` (the athlete's configured body mass; within
    15 %) is taken; without a reference the activity is left unpaired as ambiguous.
    """
    ordered = sorted(readings, key=lambda r: r.timestamp)
    window = timedelta(seconds=window_s)
    pairs: list[ScalePairing] = []
    refused: list[UnpairedActivity] = []
    for activity in sorted(activities, key=lambda a: a.start_time):
        before = [r for r in ordered if activity.start_time - window <= r.timestamp <= activity.start_time]
        after = [r for r in ordered if activity.end_time <= r.timestamp <= activity.end_time + window]
        candidates: list[tuple[ScaleReading, ScaleReading]] = []
        for user in dict.fromkeys(r.user_index for r in before):
            mine_before = [r for r in before if r.user_index == user]
            mine_after = [r for r in after if r.user_index == user]
            if mine_after:
                candidates.append((mine_before[-1], mine_after[0]))
        if not candidates:
            continue
        if len(candidates) > 1:
            if reference_mass_kg is None:
                refused.append(UnpairedActivity(activity.activity_id, "readings of several scale users around it "
                                                "and no athlete body mass to tell them apart"))
                continue
            best = min(candidates, key=lambda c: abs(c[0].weight_kg - reference_mass_kg))
            if abs(best[0].weight_kg - reference_mass_kg) > REFERENCE_MASS_TOLERANCE * reference_mass_kg:
                continue
            candidates = [best]
        pre, post = candidates[0]
        if post.weight_kg >= pre.weight_kg:
            refused.append(UnpairedActivity(activity.activity_id,
                                            f"scale readings {pre.weight_kg:g} kg before and {post.weight_kg:g} kg after: "
                                            "no loss between them (drinks not recorded), nothing to learn"))
            continue
        try:
            loss = measured_sweat_loss_l(pre.weight_kg, post.weight_kg, None, 0.0)
        except InvalidValue as exc:
            refused.append(UnpairedActivity(activity.activity_id,
                                            f"scale readings {pre.weight_kg:g} kg before and {post.weight_kg:g} kg "
                                            f"after: {exc.reason}"))
            continue
        pairs.append(ScalePairing(activity.activity_id, activity.sport, pre, post, loss))
    return pairs, refused
