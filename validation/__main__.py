"""``python -m validation``: each row's prediction, range and ratio, then MAPE, median ratio,
coverage and median range width, overall and by group (see :mod:`validation`)."""
from __future__ import annotations

import sys

from validation import evaluate


def main() -> int:
    summary = evaluate()
    # the columns as wide as their longest entry, so a long row id or group name keeps the table aligned
    w_row = max([len("row"), *(len(r.study.id) for r in summary.results)])
    w_group = max([len("group"), *(len(r.study.group) for r in summary.results), *(len(n) for n in summary.groups)])
    print(f"{'row':{w_row}} {'group':{w_group}} {'measured':>8} {'ours':>6} {'range':>12} {'ratio':>6} {'in':>3}")
    for r in summary.results:
        p = r.prediction
        print(f"{r.study.id:{w_row}} {r.study.group:{w_group}} {r.study.measured_l_per_h:8.2f} {p.rate_l_per_h:6.2f} "
              f"{p.low_l_per_h:5.2f}-{p.high_l_per_h:<6.2f} {r.ratio:6.2f} {'yes' if r.covered else 'no':>3}")
    print(f"\n{len(summary.results)} rows: MAPE {summary.mape_pct:.0f} %, median ours/measured {summary.median_ratio:.2f}, "
          f"measured inside our range {summary.coverage:.0%}, median range width {summary.median_width_l_per_h:.2f} L/h "
          f"(high/low {summary.median_width_ratio:.2f})")
    print(f"\n{'group':{w_group}} {'n':>3} {'MAPE %':>7} {'median ratio':>13} {'coverage':>9}")
    for name, g in summary.groups.items():
        print(f"{name:{w_group}} {g['n']:3.0f} {g['mape_pct']:7.0f} {g['median_ratio']:13.2f} {g['coverage']:9.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
