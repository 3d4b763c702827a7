// café
console.log(1)
