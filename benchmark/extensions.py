"""Flask extension objects, created unbound and initialised in :func:`benchmark.app.create_app`."""

from typing import TYPE_CHECKING

from flask_assets import Environment
from flask_babel import Babel
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base for the typed SQLAlchemy 2 models."""


db = SQLAlchemy(model_class=Base)

if TYPE_CHECKING:
    # Flask-SQLAlchemy builds ``db.Model`` at run time (a subclass of Base that adds table names and
    # binds); mypy cannot take an attribute of an object as a base class, so models subclass Model.
    Model = Base
else:
    Model = db.Model

migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
assets = Environment()
