"""The bundled rule profiles: YAML data read by ``rules.profile_files``.

A package, so that wheels ship the YAML files with it.
"""
