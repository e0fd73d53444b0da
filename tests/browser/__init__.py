"""Real-browser tests of the built book (a package, so its conftest gets its own module name)."""
