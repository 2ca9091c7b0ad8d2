"""``make bench``: the data set and the measurements that span apps. Not product code; only the
``benchmark`` command imports it."""
