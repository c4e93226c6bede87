"""Classroom evidence that teachers upload (teaching designs, lesson clips, reflections): files checked by content."""
