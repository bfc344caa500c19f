"""Reports: the folded matrices rendered for people (Markdown now; HTML and plots later). A
renderer reads a summary and writes text; it decides nothing (the judge did) and reads no file
but the summary it is given."""
