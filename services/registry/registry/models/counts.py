"""Counts of active persons per area, sex, age band and category, kept as persons change (see registry.counts)."""
import sqlalchemy as sa

from registry.models.base import Base
from registry.models.persons import AREA

# One row per cell. Each active person is counted at two levels: under their desa, and under their
# kecamatan with desa_code '' (so a figure over kecamatan or wider reads a few thousand rows). In
# `category`, '*' counts the person once; each of their categories ('ganda' included) counts them again.
person_counts = sa.Table(
    "person_counts", Base.metadata,
    sa.Column("desa_code", AREA, primary_key=True),
    sa.Column("kecamatan_code", AREA, primary_key=True),
    sa.Column("sex", sa.String(1), primary_key=True),
    sa.Column("age_band", sa.String(8), primary_key=True),
    sa.Column("category", sa.String(30), primary_key=True),
    sa.Column("n", sa.Integer, nullable=False),
)

# One row (id 1): the day whose age bands the counts hold.
person_counts_state = sa.Table(
    "person_counts_state", Base.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("as_of", sa.Date, nullable=False),
)
