"""Interactive Mesa SolaraViz apps of the A&E and Crown Court models.

Serve one with ``sim.apps.launch.launch("hospital")`` or ``python -m sim.apps.launch courts``;
in Jupyter, display ``sim.apps.hospital.app()``. See docs/apps.md.
"""
