"""The image library: checked uploads, renditions made once, credits kept with each picture."""
