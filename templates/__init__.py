"""Standard docplan templates (installed as ``docplan.templates``); see index.yaml."""
