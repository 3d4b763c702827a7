from setuptools import find_packages, setup

setup(
    name="mylib",
    version="0.3.0",
    packages=find_packages(exclude=["examples"]),
)
