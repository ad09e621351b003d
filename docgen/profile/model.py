"""The whole ``docgen.toml`` as one validated model, composed of the section modules.

References across sections (the head among the officials, a kind's series, a permit's series,
each agency's head and series: docgen.profile.agencies) are checked here, so a profile that loads
is a profile every command can use.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from docgen.profile.agencies import Instansi, agency_problem
from docgen.profile.desk import DeskSettings, DispositionSettings
from docgen.profile.finance import FinanceRoles
from docgen.profile.folders import ArchiveSettings, OutboxSettings, WatchSettings
from docgen.profile.kop import kop_overflow
from docgen.profile.marks import CapStyle, StampLayout
from docgen.profile.numbering import KindSettings, Limits, RegisterSettings, Series
from docgen.profile.office import Letterhead, Office, Official, Staff
from docgen.profile.oss import OssSettings
from docgen.profile.page import PageSettings
from docgen.profile.permits import DEFAULT_PERMIT_SERIES, DEFAULT_PERMITS, DecreeSettings, PermitSettings, PermitType
from docgen.profile.section import Section
from docgen.profile.serve import Verification
from docgen.profile.signing import SigningSettings

__all__ = ["Profile"]


class Profile(Section):
    """The whole ``docgen.toml``."""

    office: Office
    page: PageSettings = PageSettings()
    head: str = Field("kadis", description="Key of the agency head, for 'a.n.' signatures.")
    officials: dict[str, Official] = Field(min_length=1)
    instansi: dict[str, Instansi] = Field(
        default_factory=dict, description="The OPD teknis docgen issues documents for (rekomendasi), by key."
    )
    series: dict[str, Series] = Field(min_length=1)
    kinds: dict[str, KindSettings] = Field(default_factory=dict)
    # Named `books` in code: pydantic reserves the attribute name `register`.
    books: RegisterSettings = Field(RegisterSettings(), alias="register")
    outbox: OutboxSettings = OutboxSettings()
    verification: Verification = Verification()
    desk: DeskSettings = DeskSettings()
    stamp: dict[str, StampLayout] = Field(default_factory=dict, description="Stamp positions per kind.")
    cap: CapStyle = CapStyle()
    disposition: DispositionSettings = DispositionSettings()
    archive: ArchiveSettings = ArchiveSettings()
    watch: WatchSettings = WatchSettings()
    limits: Limits = Limits()
    staff: dict[str, Staff] = Field(default_factory=dict, description="Inspection team members by key.")
    izin: dict[str, PermitType] = Field(default_factory=lambda: dict(DEFAULT_PERMITS), description="Permit types.")
    perizinan: PermitSettings = PermitSettings()
    keputusan: DecreeSettings = DecreeSettings()
    keuangan: FinanceRoles = FinanceRoles()
    signing: SigningSettings = SigningSettings()
    sertifikat_standar: OssSettings = OssSettings()

    @model_validator(mode="before")
    @classmethod
    def _permit_series(cls, data: Any) -> Any:
        """A profile written before the permit kinds existed gets their series, so it keeps loading."""
        if isinstance(data, dict) and isinstance(data.get("series"), dict):
            series = dict(data["series"])
            for name, pattern in DEFAULT_PERMIT_SERIES.items():
                series.setdefault(name, {"pattern": pattern})
            data = {**data, "series": series}
        return data

    def stamp_layout(self, kind: str) -> StampLayout:
        return self.stamp.get(kind, StampLayout())

    def agency_key(self, key: str | None) -> str | None:
        """``key`` as an [instansi] key, or None for this office (None or ``office.key``)."""
        return None if key is None or key == self.office.key else key

    def agency(self, key: str | None) -> Letterhead:
        """The letterhead of agency ``key``: [office] for None or ``office.key``, else [instansi.<key>].

        Keys come from a checked profile or a validated request; an unknown one is a KeyError.
        """
        own = self.agency_key(key)
        return self.office if own is None else self.instansi[own]

    def agency_head(self, key: str | None) -> str:
        """The [officials] key of agency ``key``'s head: whom ``a.n.`` names on its documents."""
        own = self.agency_key(key)
        return self.head if own is None else self.instansi[own].head

    def agency_name(self, key: str | None) -> str:
        """How a sentence names agency ``key`` (the verification footer, a signature block)."""
        own = self.agency_key(key)
        if own is None:
            return self.verification.office or self.office.kop[-1]
        return self.instansi[own].name or self.instansi[own].kop[-1]

    @model_validator(mode="after")
    def _references_exist(self) -> Profile:
        too_wide = kop_overflow(self.office)
        if too_wide is not None:
            raise ValueError(
                f"baris kop '{too_wide}' lebih lebar dari kolom kop; "
                "perkecil office.kop_sizes_pt atau pendekkan kata itu"
            )
        if self.head not in self.officials:
            raise ValueError(f"head '{self.head}' tidak ada di [officials]")
        uses = [(f"kinds.{n}.series", k.series) for n, k in self.kinds.items() if k.series]
        uses += [(f"izin.{n}.series", p.series) for n, p in self.izin.items()]
        problem = agency_problem(self.office, self.instansi, self.officials, self.series, head=self.head, uses=uses)
        if problem:
            raise ValueError(problem)
        for name, ks in self.kinds.items():
            if ks.series is not None and ks.series not in self.series:
                raise ValueError(f"kinds.{name}.series '{ks.series}' tidak ada di [series]")
        for name, permit in self.izin.items():
            if permit.series not in self.series:
                raise ValueError(f"izin.{name}.series '{permit.series}' tidak ada di [series]")
        return self
