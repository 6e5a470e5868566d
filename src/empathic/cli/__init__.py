"""Command line interface (Typer + Rich). Entry point: ``empathic = empathic.cli.main:main``."""
