from setuptools import find_packages, setup

setup(
    name="api",
    packages=find_packages(),
    install_requires=["fastapi", "uvicorn"],
)
