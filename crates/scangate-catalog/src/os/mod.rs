//! Operating-system packages: the distribution of a root filesystem and its package databases.

mod rpm;
