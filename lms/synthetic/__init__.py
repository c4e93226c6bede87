"""Synthetic data: the demo province (seed_demo) and generated provinces of any size (generate_province).

`generated_id_number(index, area_code)` recomputes the ID number of teacher `index` of a generated
province (its area code is its county's code), so benchmarks can search for real teachers.
"""

from .people import generated_id_number

__all__ = ["generated_id_number"]
