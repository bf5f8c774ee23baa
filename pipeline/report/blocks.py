"""The report's estimate blocks from the model's unrounded figures: the one place numbers are rounded.

Physiology works in SI units at full precision (:class:`~pipeline.physiology.estimate.LegEstimate`,
:class:`~pipeline.physiology.sweat.SweatTotals`); a person reads litres to the millilitre,
temperatures to a tenth of a degree and milligrams whole. Everything downstream (plan, advice,
catalog, digest) reads these blocks, so what a reader sees and what the plan is computed from agree.
"""
from __future__ import annotations

from pipeline.core.schema import EnvironmentBlock, IntensityBlock, SweatBlock
from pipeline.physiology.estimate import MODEL_NAME, EnvironmentSummary, IntensitySummary
from pipeline.physiology.sweat import SweatTotals


def environment_block(environment: EnvironmentSummary) -> EnvironmentBlock:
    """``environment``: °C and % to 0.1, air speed to 0.01 m/s."""
    air = environment.air_speed_m_per_s
    return EnvironmentBlock(temperature_c=round(environment.temperature_c, 1),
                            humidity_pct=round(environment.humidity_pct, 1), source=environment.source,
                            air_speed_m_per_s=round(air, 2) if air is not None else None,
                            indoor=environment.indoor, notes=list(environment.notes),
                            wind_speed_m_per_s=_round(environment.wind_speed_m_per_s, 1),
                            solar_radiation_w_per_m2=_round(environment.solar_radiation_w_per_m2, 0),
                            weather_provider=environment.weather_provider,
                            water_temperature_c=_round(environment.water_temperature_c, 1))


def _round(value: float | None, digits: int) -> float | None:
    return round(value, digits) if value is not None else None


def intensity_block(intensity: IntensitySummary) -> IntensityBlock:
    """``intensity``: mean metabolic rate to 0.1 W, shares to 0.001."""
    return IntensityBlock(source=intensity.source, mean_metabolic_w=round(intensity.mean_metabolic_w, 1),
                          sources_share={k: round(v, 3) for k, v in intensity.sources_share.items()})


def sweat_block(totals: SweatTotals, assumptions: list[str]) -> SweatBlock:
    """``sweat``: litres to the millilitre, milligrams whole, body-mass share to 0.01 %.

    ``device_estimate_l`` is shown beside ours, never used; ``assumptions`` lists the athlete values
    that are population defaults.
    """
    loss = totals.body_mass_loss_pct
    device = totals.device_estimate_l
    return SweatBlock(
        total_l=round(totals.total_l, 3), low_l=round(totals.low_l, 3), high_l=round(totals.high_l, 3),
        rate_l_per_h=round(totals.rate_l_per_h, 3), sodium_mg=round(totals.sodium_mg),
        potassium_mg=round(totals.potassium_mg), body_mass_loss_pct=round(loss, 2) if loss is not None else None,
        calibrated=totals.calibrated, device_estimate_l=round(device, 3) if device is not None else None,
        model=MODEL_NAME, flags=list(totals.flags), calibration_factor=totals.calibration_factor,
        calibration_n=totals.calibration_n, assumptions=assumptions,
        sodium_low_mg=round(totals.sodium_low_mg), sodium_high_mg=round(totals.sodium_high_mg),
        respiratory_water_l=round(totals.respiratory_water_l, 3), metabolic_mass_l=round(totals.metabolic_mass_l, 3),
        body_mass_loss_beyond_pct=totals.body_mass_loss_beyond_pct,
    )
