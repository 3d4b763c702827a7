from .{Module}Base import {Module}Base
