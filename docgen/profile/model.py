"""The whole ``docgen.toml`` as one validated model, composed of the section modules.

References across sections (the head among the officials, a kind's series, a permit's series)
are checked here, so a profile that loads is a profile every command can use.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from docgen.profile.desk import DeskSettings, DispositionSettings
from docgen.profile.finance import FinanceRoles
from docgen.profile.folders import ArchiveSettings, OutboxSettings, WatchSettings
from docgen.profile.kop import kop_overflow
from docgen.profile.marks import CapStyle, StampLayout
from docgen.profile.numbering import KindSettings, Limits, RegisterSettings, Series
from docgen.profile.office import Office, Official, Staff
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
        for name, ks in self.kinds.items():
            if ks.series is not None and ks.series not in self.series:
                raise ValueError(f"kinds.{name}.series '{ks.series}' tidak ada di [series]")
        for name, permit in self.izin.items():
            if permit.series not in self.series:
                raise ValueError(f"izin.{name}.series '{permit.series}' tidak ada di [series]")
        return self
