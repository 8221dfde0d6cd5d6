"""Coso: grassroots-government platform for Vietnamese communes and provinces."""
