META
key;value
description;Hand-worked example: equal shares funds the small projects a minority wants
country;United Kingdom
unit;Fernbridge
instance;hand-mes
num_projects;4
num_votes;10
budget;100
vote_type;approval
rule;equalshares
PROJECTS
project_id;cost;name
1;60;Skate park
2;40;Music studio
3;30;Football kit
4;20;Art supplies
VOTES
voter_id;vote
1;1,2
2;1,2
3;1,2
4;1,2
5;1,2
6;1,2
7;1,2
8;3,4
9;3,4
10;3,4
